import { eventView } from '../runtime/event-view';
import type { LabMutationResult } from './lab-commands.service';

/** A mutation's answer as API.md shows it: `{ version, events, results? }`. */
export function mutationView(result: LabMutationResult) {
  return { ...result, events: result.events.map(eventView) };
}
