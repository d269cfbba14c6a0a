import type { LabState } from '../cluster/types';
import { labConnectivity } from '../datapath/connectivity';
import { trace } from '../datapath/trace';
import type { TraceEndpointInput } from '../datapath/types';
import { applyCommand } from '../model/apply';
import { SimulatorError } from '../model/errors';
import { fromSnapshot, toSnapshot } from '../model/state';
import { stackFromContextName } from '../shell/context';
import { runShell, type ShellStep } from '../shell/run-shell';
import type { ShellEnv, ShellOutput } from '../shell/types';
import type { Expectation, ScenarioCheck } from './schema';

export type CheckKind = 'trace' | 'exec' | 'connectivity';

/** One line of the grading report (POST /api/labs/:lab/check). */
export interface CheckReport {
  index: number;
  name: string;
  kind: CheckKind;
  passed: boolean;
  /** What the check expected and what the lab did, in words. */
  expected: string;
  actual: string;
  /** The failing parts (connectivity cells, missing texts), empty when passed. */
  failures: string[];
}

/**
 * Runs a scenario's checks against a lab without changing it: traces and the connectivity matrix
 * only read the state; an exec check whose command changes the lab runs on a private copy.
 */
export function runChecks(state: LabState, checks: readonly ScenarioCheck[], env: ShellEnv): CheckReport[] {
  return checks.map((check, index) => {
    const { kind, expected, actual, failures } = evaluate(state, check.expect, env);
    return { index, name: check.name ?? expected, kind, passed: failures.length === 0, expected, actual, failures };
  });
}

interface Outcome {
  kind: CheckKind;
  expected: string;
  actual: string;
  failures: string[];
}

function evaluate(state: LabState, expect: Expectation, env: ShellEnv): Outcome {
  if (expect.trace) return traceCheck(state, expect.trace, expect.verdict!, env);
  if (expect.exec !== undefined) return execCheck(state, expect, env);
  return connectivityCheck(state, expect.connectivity!);
}

function endpointName(endpoint: TraceEndpointInput): string {
  return typeof endpoint === 'string' ? endpoint : Object.values(endpoint)[0];
}

function traceCheck(state: LabState, request: NonNullable<Expectation['trace']>, verdict: string, env: ShellEnv): Outcome {
  const port = request.protocol === 'ICMP' ? '' : `:${request.port ?? '?'}`;
  const expected = `${endpointName(request.from)} → ${endpointName(request.to)}${port}/${request.protocol} ${verdict}`;
  try {
    const result = trace(state, request, { now: env.now });
    const actual = `${result.verdict}: ${result.reason}`;
    return { kind: 'trace', expected, actual, failures: result.verdict === verdict ? [] : [`the trace was ${result.verdict}, not ${verdict}`] };
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    return { kind: 'trace', expected, actual: `error: ${error.message}`, failures: [error.message] };
  }
}

function execCheck(state: LabState, expect: Expectation, env: ShellEnv): Outcome {
  const line = expect.exec!;
  const context = expect.context ?? 'workstation';
  const output = runOnCopy(state, line, context, env);
  const failures: string[] = [];
  for (const text of list(expect['stdout-contains'])) if (!output.stdout.includes(text)) failures.push(`stdout does not contain ${JSON.stringify(text)}`);
  for (const text of list(expect['stdout-not-contains'])) if (output.stdout.includes(text)) failures.push(`stdout contains ${JSON.stringify(text)}`);
  const exitCode = expect['exit-code'];
  if (exitCode !== undefined && output.exitCode !== exitCode) failures.push(`exit code ${output.exitCode}, not ${exitCode}`);
  const expectations = [
    ...list(expect['stdout-contains']).map((text) => `prints ${JSON.stringify(text)}`),
    ...list(expect['stdout-not-contains']).map((text) => `does not print ${JSON.stringify(text)}`),
    ...(exitCode === undefined ? [] : [`exits with ${exitCode}`]),
  ];
  return {
    kind: 'exec',
    expected: `\`${line}\` in ${context}${expectations.length ? ` ${expectations.join(', ')}` : ''}`,
    actual: `exit ${output.exitCode}\n${output.stdout}${output.stderr}`,
    failures,
  };
}

/** Runs a line; its first mutation moves it onto a deep copy of the lab, so the lab itself never changes. */
function runOnCopy(state: LabState, line: string, context: string, env: ShellEnv): ShellOutput {
  const stack = stackFromContextName(context)!;
  let current = state;
  let step: ShellStep = runShell(current, stack, line, env);
  while (step.kind === 'mutation') {
    const pending = step;
    if (current === state) current = fromSnapshot(toSnapshot(state));
    try {
      for (const command of pending.commands) applyCommand(current, command, current.time, 'check');
      step = pending.resume(current, { ...env, now: current.time });
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error;
      step = pending.refused(error.message, current, env);
    }
  }
  return step.output;
}

function connectivityCheck(state: LabState, request: NonNullable<Expectation['connectivity']>): Outcome {
  const { pods, matrix } = labConnectivity(state, { port: request.port, protocol: request.protocol });
  const failures: string[] = [];
  const cells: string[] = [];
  for (const [from, row] of Object.entries(request.matrix)) {
    for (const [to, reachable] of Object.entries(row)) {
      const source = pods.indexOf(from);
      const destination = pods.indexOf(to);
      const missing = [from, to].filter((_, i) => [source, destination][i] < 0);
      if (missing.length) {
        failures.push(`${missing.join(', ')}: no such running pod`);
        continue;
      }
      const actual = matrix[source][destination];
      cells.push(`${from} → ${to}: ${actual ? 'reachable' : 'blocked'}`);
      if (actual !== reachable) failures.push(`${from} → ${to} is ${actual ? 'reachable' : 'blocked'}, expected ${reachable ? 'reachable' : 'blocked'}`);
    }
  }
  return { kind: 'connectivity', expected: `connectivity on ${request.port}/${request.protocol} as in the matrix`, actual: cells.join('\n'), failures };
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
