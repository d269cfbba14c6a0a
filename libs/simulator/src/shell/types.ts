import type { LabState } from '../cluster/types';
import type { Command } from '../model/commands';
import type { CountedPacket } from '../node-iptables/count-packet';
import type { ShellStack } from './context';
import type { KubectlWatch } from './kubectl/watch';

/** What a command line printed (API.md exec). */
export interface ShellOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** What the caller knows that the lab state does not: the moment of the command. */
export interface ShellEnv {
  /** Simulated time of the command (ms since the lab was created): AGE columns, uptimes. */
  now: number;
  /** Wall-clock ms of simulated time 0 (the lab's creation): timestamps in describe, yaml and logs. */
  epochMs: number;
  /**
   * The Kubernetes object of a resource (`kubectl get -o yaml|json`), as the lab's Kubernetes API
   * renders it; the server passes its renderer so both print the same object.
   */
  objects?: (state: LabState, resource: string, namespace: string | undefined, name: string) => unknown;
  /** The packets traces sent through the lab's rules: `iptables -vnL` and `iptables-save -c` on a node count them. */
  traced?: readonly CountedPacket[];
}

/** One command of a pipeline as a program sees it. */
export interface Invocation {
  argv: string[];
  stdin: string;
  state: LabState;
  env: ShellEnv;
  stack: ShellStack;
}

/** A program's result: printed output (maybe entering or leaving a context), or commands to apply first. */
export type ProgramResult = Printed | Mutation;

export interface Printed extends ShellOutput {
  kind: 'printed';
  /**
   * What the lab explains beside the tool's own output (never in stdout/stderr, which stay the real
   * tool's): e.g. after `iptables -F`, when kube-proxy puts its rules back.
   */
  notes?: string[];
  /** The context stack after the command (`docker exec -it … bash`, `exit`); unchanged when absent. */
  stack?: ShellStack;
  /** `kubectl get -w`: the list was printed; a caller that can stream prints later changes with watchUpdate. */
  watch?: KubectlWatch;
}

export interface Mutation {
  kind: 'mutation';
  commands: Command[];
  /**
   * Prints the outcome once the commands were applied (e.g. "pod/app created"), on the state after
   * them; or asks for more commands (`kubectl run --rm`: create, run, then delete).
   */
  render: (after: LabState, env: ShellEnv) => Printed | Mutation;
}

export type Program = (call: Invocation) => ProgramResult;

export function printed(stdout: string, stderr = '', exitCode = 0): Printed {
  return { kind: 'printed', stdout, stderr, exitCode };
}

export function failure(stderr: string, exitCode = 1): Printed {
  return { kind: 'printed', stdout: '', stderr, exitCode };
}

/** A ViewOutput of the renderers as a program result. */
export function fromView(view: ShellOutput): Printed {
  return { kind: 'printed', stdout: view.stdout, stderr: view.stderr, exitCode: view.exitCode };
}
