import { Inject, Injectable } from '@nestjs/common';
import { EventStore, type LabRecord, type TokenRole } from '@hoplab/event-store';
import type { StoredEvent } from '@hoplab/events';
import { SimulatorError, type LabState } from '@hoplab/simulator';
import { contextName, runShell, stackFromContextName, type KubectlWatch, type ShellEnv, type ShellStack, type ShellStep } from '@hoplab/simulator/shell';
import { getObject } from '../k8s/objects';
import { badRequest, forbidden, notFound } from '../problem/problem';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { TracesService } from '../traces/traces.service';
import { labEpochMs } from '../labs/lab-epoch';

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The lab's version after the line (events appended by it included). */
  version: number;
  events: StoredEvent[];
  /** API.md's name of the context the line ended in: "workstation", "node/<name>", "pod/<ns>/<name>". */
  context: string;
  /** What the real shell's prompt looks like there, e.g. "root@minikube-m02:/# ". */
  prompt: string;
  /** The shell variables of the context the line ended in (REST callers send them back with the next line). */
  vars: Record<string, string>;
  /** The whole context stack, for callers that keep a session (the socket.io gateway per client). */
  stack: ShellStack;
  /** The line ended in `kubectl get -w`: callers that stream (socket.io) go on printing its changes. */
  watch?: KubectlWatch;
  /** The lab's explanations beside the tools' output, e.g. after `iptables -F` when kube-proxy puts its rules back. */
  notes?: string[];
}

const refusalWords: Record<string, string> = { invalid: 'BadRequest', 'not-found': 'NotFound', conflict: 'AlreadyExists', exhausted: 'ServiceUnavailable' };

/**
 * Runs lab shell lines for REST (`POST /exec`) and socket.io (`exec`). Reads run on the live state
 * in the lab's queue; each mutation a line reaches goes through LabRuntime.execute like any other
 * change (observers are refused with 403 before anything is appended), then the line resumes on
 * the state after it. Between a mutation and the rest of its line another client may change the
 * lab: the rest then reads that newer state, as a real terminal would.
 */
@Injectable()
export class ShellService {
  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(TracesService) private readonly traces: TracesService,
  ) {}

  /**
   * For the socket.io gateway: the client's own context stack goes in and the new one comes back
   * in `stack` (start a client with `[WORKSTATION]` from @hoplab/simulator/shell).
   */
  async execById(labId: string, role: TokenRole, command: string, stack: ShellStack): Promise<ShellResult> {
    const lab = await this.store.getLab(labId);
    if (!lab) throw notFound(`There is no lab ${labId}.`);
    return this.exec(lab, role, command, stack);
  }

  /** `context` as API.md names it (default: the workstation), with its shell variables if the caller kept them. */
  execInContext(lab: LabRecord, role: TokenRole, command: string, context?: string, vars?: Record<string, string>): Promise<ShellResult> {
    const stack = stackFromContextName(context);
    if (!stack) throw badRequest(`context must be "workstation", "node/<name>" or "pod/<namespace>/<name>", not ${JSON.stringify(context)}.`, [{ path: 'context', message: 'unknown context' }]);
    if (vars) stack[stack.length - 1] = { ...stack[stack.length - 1], vars };
    return this.exec(lab, role, command, stack);
  }

  async exec(lab: LabRecord, role: TokenRole, command: string, stack: ShellStack): Promise<ShellResult> {
    const origin = labEpochMs(lab);
    const env = (now: number): ShellEnv => ({
      now,
      epochMs: origin,
      traced: this.traces.countedPackets(lab.id),
      objects: (state: LabState, resource: string, namespace: string | undefined, name: string) => getObject(resource, { labId: lab.id, state, now, origin }, namespace, name),
    });
    const events: StoredEvent[] = [];
    let { step, version } = await this.runtime.read(lab.id, (state, now) => ({ step: runShell(state, stack, command, env(now)), version: state.version }));
    while (step.kind === 'mutation') {
      if (role === 'observer') throw forbidden(`Observers may only run commands that read the lab; "${command}" changes it.`);
      const pending = step;
      let next: { step: ShellStep; version: number };
      try {
        const result = await this.runtime.execute(lab.id, pending.commands, { actor: role });
        events.push(...result.events);
        next = await this.runtime.read(lab.id, (state, now) => ({ step: pending.resume(state, env(now)), version: state.version }));
      } catch (error) {
        if (!(error instanceof SimulatorError)) throw error;
        // iptables prints its own errors; the API server's 422s read "The Pod \"x\" is invalid: …" in kubectl.
        const raw = pending.commands[0]?.type === 'iptables' || /^The \w+ ".*" is invalid: /.test(error.message);
        const message = raw ? error.message : `Error from server (${refusalWords[error.code] ?? 'BadRequest'}): ${error.message}`;
        next = await this.runtime.read(lab.id, (state, now) => ({ step: pending.refused(message, state, env(now)), version: state.version }));
      }
      ({ step, version } = next);
    }
    const vars = step.stack[step.stack.length - 1]?.vars ?? {};
    return { ...step.output, version, events, context: contextName(step.stack), prompt: step.prompt, vars, stack: step.stack, ...(step.watch ? { watch: step.watch } : {}), ...(step.notes ? { notes: step.notes } : {}) };
  }
}
