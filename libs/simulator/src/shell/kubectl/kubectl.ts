import { kubernetesVersion } from '../../cluster/system-pods';
import { printed, type Invocation, type ProgramResult } from '../types';
import { kubectlDescribe } from './describe';
import { kubectlErrors } from './errors';
import { execFlags, kubectlExec, kubectlLogs, logsFlags, type PodRunner } from './exec';
import { FlagError, globalFlags, parseFlags, type FlagSpec, type ParsedFlags } from './flags';
import { getFlags, kubectlGet } from './get';
import { exposeFlags, fileFlags, kubectlApply, kubectlCreate, kubectlDelete, kubectlExpose, kubectlLabel, kubectlRollout, kubectlRun, labelFlags, runFlags } from './mutate';

interface Subcommand {
  flags: FlagSpec[];
  run: (call: Invocation, parsed: ParsedFlags, runInPod: PodRunner) => ProgramResult;
}

const subcommands: Record<string, Subcommand> = {
  get: { flags: getFlags, run: kubectlGet },
  describe: { flags: [{ name: 'all-namespaces', short: 'A' }, { name: 'selector', short: 'l', value: true }], run: kubectlDescribe },
  run: { flags: runFlags, run: kubectlRun },
  apply: { flags: fileFlags, run: kubectlApply },
  create: { flags: fileFlags, run: kubectlCreate },
  delete: { flags: [...fileFlags, { name: 'selector', short: 'l', value: true }], run: kubectlDelete },
  rollout: { flags: [], run: kubectlRollout },
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
  if (!sub) return kubectlErrors.unknownCommand(name);
  const rest = [...args.slice(0, index), ...args.slice(index + 1)];
  // `kubectl rollout restart …`: the verb is positional, its flags are rollout's.
  const commandPath = name === 'rollout' && args[index + 1] ? `rollout ${args[index + 1]}` : name;
  let parsed: ParsedFlags;
  try {
    parsed = parseFlags(rest, sub.flags);
  } catch (error) {
    if (error instanceof FlagError) return kubectlErrors.flag(error.message, commandPath);
    throw error;
  }
  return sub.run(call, parsed, runInPod);
}

function kubectlVersion(call: Invocation): ProgramResult {
  const server = kubernetesVersion(call.state.cluster);
  return printed(`Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: ${server}\n`);
}
