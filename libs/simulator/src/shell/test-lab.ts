import type { ClusterSpecInput } from '@hoplab/events';
import type { ContainerPort, LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { SimulatorError } from '../model/errors';
import { initialState } from '../model/state';
import { WORKSTATION, type ShellStack } from './context';
import { runShell, type ShellDone } from './run-shell';
import type { ShellEnv } from './types';

/** Test support: a lab, and a terminal on it that applies the commands a line returns, as the server does. */
export function testLab(cluster: ClusterSpecInput = {}, nodes = 0): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'test', cluster }, 0);
  for (let i = 0; i < nodes; i++) applyCommand(state, { type: 'addNode' }, 0);
  return state;
}

/** Test support: pod `name` in default, labelled app=<name>, on `nodeName`: one container c of `image` serving `ports`. */
export function appPod(state: LabState, name: string, nodeName: string, image: string, ports: ContainerPort[] = []): void {
  applyCommand(state, { type: 'createPod', namespace: 'default', name, labels: { app: name }, nodeName, containers: [{ name: 'c', image, ports }] });
}

/** Wall-clock ms of the test labs' creation: Sun, 22 Nov 2026 09:00:00 UTC. */
export const EPOCH = 1_795_338_000_000;

export interface Terminal {
  state: LabState;
  stack: ShellStack;
  /** Commands applied by the lines so far, in order. */
  applied: string[];
  run(line: string, now?: number): ShellDone;
}

export function terminal(state: LabState): Terminal {
  const t: Terminal = {
    state,
    stack: [WORKSTATION],
    applied: [],
    run(line, now = state.time + 1000) {
      const env: ShellEnv = { now, epochMs: EPOCH };
      let step = runShell(state, t.stack, line, env);
      while (step.kind === 'mutation') {
        const pending = step;
        try {
          for (const command of pending.commands) {
            applyCommand(state, command, now);
            t.applied.push(command.type);
          }
          step = pending.resume(state, env);
        } catch (error) {
          if (!(error instanceof SimulatorError)) throw error;
          step = pending.refused(error.message, state, env);
        }
      }
      t.stack = step.stack;
      return step;
    },
  };
  return t;
}
