import type { LabState } from '../cluster/types';
import type { Command } from './commands';
import { decide } from './decide';
import { evolve, type AppliedEvent } from './evolve';

/** decide + evolve in one step for in-memory use (tests, benchmarks, scenarios): numbers the events after state.version. */
export function applyCommand(state: LabState, command: Command, time = state.time, actor = 'system'): AppliedEvent[] {
  const events = decide(state, command, { time, actor }).map((event, i) => ({ seq: state.version + 1 + i, time, ...event }));
  for (const event of events) evolve(state, event);
  return events;
}
