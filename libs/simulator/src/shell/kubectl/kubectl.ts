import { kubernetesVersion } from '../../cluster/system-pods';
import { printed, type Invocation, type ProgramResult } from '../types';
import { kubectlDescribe } from './describe';
import { kubectlErrors } from './errors';
import { execFlags, kubectlExec, kubectlLogs, logsFlags, type PodRunner } from './exec';
import { FlagError, globalFlags, parseFlags, type FlagSpec, type ParsedFlags } from './flags';
import { getFlags, kubectlGet } from './get';
import { createDeploymentFlags, kubectlScale, kubectlSet, scaleFlags, setFlags } from './deployments';
import { kubectlRollout, rolloutFlags } from './rollout';
import { exposeFlags, fileFlags, kubectlApply, kubectlCreate, kubectlDelete, kubectlExpose, kubectlLabel, kubectlRun, labelFlags, runFlags } from './mutate';

interface Subcommand {
  flags: FlagSpec[];
  run: (call: Invocation, parsed: ParsedFlags, runInPod: PodRunner) => ProgramResult;
}

const subcommands: Record<string, Subcommand> = {
  get: { flags: getFlags, run: kubectlGet },
  describe: { flags: [{ name: 'all-namespaces', short: 'A' }, { name: 'selector', short: 'l', value: true }], run: kubectlDescribe },
  run: { flags: runFlags, run: kubectlRun },
  apply: { flags: fileFlags, run: kubectlApply },
  create: { flags: [...fileFlags, ...createDeploymentFlags], run: kubectlCreate },
  scale: { flags: scaleFlags, run: kubectlScale },
  delete: { flags: [...fileFlags, { name: 'selector', short: 'l', value: true }], run: kubectlDelete },
  rollout: { flags: rolloutFlags, run: kubectlRollout },
  set: { flags: setFlags, run: kubectlSet },
  expose: { flags: exposeFlags, run: kubectlExpose },
  label: { flags: labelFlags, run: kubectlLabel },
  exec: { flags: execFlags, run: kubectlExec },
  logs: { flags: logsFlags, run: kubectlLogs },
  version: { flags: [{ name: 'client' }, { name: 'output', short: 'o', value: true }], run: (call) => kubectlVersion(call) },
};

/** Global flags that take their value as the next word when they come before the subcommand. */
const globalValueFlags = new Set(globalFlags.filter((f) => f.value).flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]));

/** The lab's kubectl: the subcommands above with kubectl's flags, outputs and error texts. */
export function kubectl(call: Invocation, runInPod: PodRunner): ProgramResult {
  const args = call.argv.slice(1);
  // Global flags may come before the subcommand (`kubectl -n kube-system get pods`).
  let index = 0;
  while (index < args.length && args[index].startsWith('-')) index += globalValueFlags.has(args[index]) ? 2 : 1;
  const name = args[index];
  if (name === undefined) return printed('kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n');
  const sub = subcommands[name];
  if (!sub) {
    if (kubectlCommands.includes(name)) return kubectlErrors.plain(`the lab's kubectl does not run "${name}" (it runs ${Object.keys(subcommands).sort().join(', ')})`);
    const suggestions = kubectlCommands.filter((command) => levenshtein(name.toLowerCase(), command) <= 2 || command.startsWith(name.toLowerCase()));
    return kubectlErrors.unknownCommand(name, suggestions);
  }
  const rest = [...args.slice(0, index), ...args.slice(index + 1)];
  // `kubectl rollout restart …`, `kubectl set image …`: the verb is positional, its flags are the parent's.
  const commandPath = (name === 'rollout' || name === 'set') && args[index + 1] ? `${name} ${args[index + 1]}` : name;
  let parsed: ParsedFlags;
  try {
    parsed = parseFlags(rest, sub.flags);
  } catch (error) {
    if (error instanceof FlagError) return kubectlErrors.flag(error.message, commandPath);
    throw error;
  }
  return sub.run(call, parsed, runInPod);
}

/** kubectl 1.32's commands, in cobra's (alphabetical) order: unknown-command suggestions come from them. */
const kubectlCommands = [
  'annotate', 'api-resources', 'api-versions', 'apply', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info', 'completion', 'config',
  'cordon', 'cp', 'create', 'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events', 'exec', 'explain', 'expose', 'get', 'help',
  'kustomize', 'label', 'logs', 'options', 'patch', 'plugin', 'port-forward', 'proxy', 'replace', 'rollout', 'run', 'scale', 'set', 'taint',
  'top', 'uncordon', 'version', 'wait',
];

/** cobra's suggestion distance. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function kubectlVersion(call: Invocation): ProgramResult {
  const server = kubernetesVersion(call.state.cluster);
  return printed(`Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: ${server}\n`);
}
