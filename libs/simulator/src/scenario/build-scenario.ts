import type { ClusterSpecInput } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { ManifestError, parseManifests, planApply } from '../manifests';
import { applyCommand } from '../model/apply';
import type { Command } from '../model/commands';
import { SimulatorError } from '../model/errors';
import type { AppliedEvent } from '../model/evolve';
import { initialState } from '../model/state';
import { parseGoDuration } from '../node-iptables/duration';
import { runShell, type ShellStep } from '../shell/run-shell';
import { stackFromContextName } from '../shell/context';
import type { ShellEnv } from '../shell/types';
import { formatPath, ScenarioError, type Locate, type ParsedScenario } from './parse-scenario';
import type { ScenarioStep } from './schema';

export interface BuildOptions {
  /** The lab's name (it seeds the lab's random decisions). */
  name: string;
  /** Overrides the scenario's cluster settings key by key (POST /api/labs `cluster`). */
  cluster?: ClusterSpecInput;
  actor?: string;
}

export interface BuiltLab {
  state: LabState;
  /** The lab's history: createLab's events, then every node, router, file and step in order. */
  events: AppliedEvent[];
}

/**
 * Builds a lab from a scenario in memory, as decide+evolve would on the server: the events it
 * returns are what the lab's stream starts with. A refused step is a ScenarioError naming the
 * step and its line.
 */
export function buildScenario({ scenario, locate }: ParsedScenario, options: BuildOptions): BuiltLab {
  const actor = options.actor ?? 'instructor';
  const state = initialState();
  const events: AppliedEvent[] = [];
  const apply = (commands: Command[], path: (string | number)[]) => {
    for (const command of commands) {
      try {
        events.push(...applyCommand(state, command, state.time, actor));
      } catch (error) {
        throw asScenarioError(error, path, locate);
      }
    }
  };
  const cluster = { ...(scenario.cluster ?? {}), ...(options.cluster ?? {}) } as ClusterSpecInput;
  apply([{ type: 'createLab', name: options.name, cluster }], ['cluster']);
  scenario.nodes.forEach((node, i) => apply([{ type: 'addNode', ...node }], ['nodes', i]));
  scenario.routers.forEach((router, i) => apply([{ type: 'addRouter', ...router }], ['routers', i]));
  scenario.files.forEach((file, i) => apply([{ type: 'storeFile', ...file }], ['files', i]));
  scenario.steps.forEach((step, i) => runStep(state, step, ['steps', i], apply, locate));
  return { state, events };
}

type Apply = (commands: Command[], path: (string | number)[]) => void;

function runStep(state: LabState, step: ScenarioStep, path: (string | number)[], apply: Apply, locate: Locate): void {
  if (step.advance !== undefined) apply([{ type: 'setClock', advanceMs: parseGoDuration(step.advance) }], path);
  else if (step.apply !== undefined) applyManifests(state, step.apply, step.namespace, [...path, 'apply'], apply, locate);
  else if (step.run !== undefined) runLine(state, step.run, step.context, path, apply, locate);
}

function applyManifests(state: LabState, manifests: NonNullable<ScenarioStep['apply']>, namespace: string | undefined, path: (string | number)[], apply: Apply, locate: Locate): void {
  let text: string;
  if (typeof manifests === 'string') text = manifests;
  else if (Array.isArray(manifests)) text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests });
  else if (typeof manifests.file === 'string') {
    const content = state.files.get(manifests.file);
    if (content === undefined) throw located([...path, 'file'], `the lab has no file "${manifests.file}" (list it under "files")`, locate);
    text = content;
  } else text = JSON.stringify(manifests);
  let commands: Command[];
  try {
    commands = planApply(state, parseManifests(text), namespace).commands;
  } catch (error) {
    throw asScenarioError(error, path, locate);
  }
  apply(commands, path);
}

function runLine(state: LabState, line: string, context: string | undefined, path: (string | number)[], apply: Apply, locate: Locate): void {
  const env = (): ShellEnv => ({ now: state.time, epochMs: 0 });
  let step: ShellStep = runShell(state, stackFromContextName(context)!, line, env());
  while (step.kind === 'mutation') {
    apply(step.commands, [...path, 'run']);
    step = step.resume(state, env());
  }
  if (step.output.exitCode !== 0) {
    throw located([...path, 'run'], `"${line}" exited with ${step.output.exitCode}: ${(step.output.stderr || step.output.stdout).trim()}`, locate);
  }
}

function located(path: (string | number)[], message: string, locate: Locate): ScenarioError {
  return new ScenarioError([{ path: formatPath(path), message, ...locate(path) }]);
}

function asScenarioError(error: unknown, path: (string | number)[], locate: Locate): unknown {
  if (error instanceof SimulatorError) {
    const named = error.path && !error.message.startsWith(error.path) ? `${error.path}: ${error.message}` : error.message;
    return located(path, named, locate);
  }
  if (error instanceof ManifestError) return new ScenarioError(error.issues.map((issue) => ({ path: `${formatPath(path)} ${issue.path}`, message: issue.message, ...locate(path) })));
  return error;
}
