import type { PodState } from '../../cluster/types';
import { formatCtime } from '../../iptables';
import { podStatus } from '../../views';
import type { ShellFrame } from '../context';
import { failure, printed, type Invocation, type Printed } from '../types';
import { kubectlErrors } from './errors';
import { boolFlag, flag, type FlagSpec, type ParsedFlags } from './flags';
import { namespaceOf } from './get';

export const execFlags: FlagSpec[] = [
  { name: 'stdin', short: 'i' },
  { name: 'tty', short: 't' },
  { name: 'container', short: 'c', value: true },
  { name: 'quiet', short: 'q' },
];

export const logsFlags: FlagSpec[] = [
  { name: 'follow', short: 'f' },
  { name: 'container', short: 'c', value: true },
  { name: 'tail', value: true },
  { name: 'previous', short: 'p' },
  { name: 'timestamps' },
];

const SHELLS = new Set(['bash', 'sh', 'ash', 'zsh', '/bin/bash', '/bin/sh', '/bin/ash', '/bin/zsh', '/usr/bin/bash']);

/** Runs a command line in a pod (read-only); supplied by the interpreter to avoid a module cycle. */
export type PodRunner = (call: Invocation, frame: Extract<ShellFrame, { kind: 'pod' }>, line: string | string[]) => Printed;

/**
 * `kubectl exec [-it] POD -- CMD...`: an interactive shell (`-it … -- bash`) enters the pod's
 * context; anything else runs there and comes back, failures as "command terminated with exit code N".
 */
export function kubectlExec(call: Invocation, parsed: ParsedFlags, runInPod: PodRunner): Printed {
  const [name, ...extra] = parsed.positional;
  if (!name) return kubectlErrors.usage('expected \'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]\'.\nPOD_NAME and COMMAND are required arguments for the exec command', 'exec');
  if (parsed.rest.length === 0) {
    if (extra.length > 0) return kubectlErrors.usage('exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead', 'exec');
    return kubectlErrors.usage('you must specify at least one command for the container', 'exec');
  }
  const namespace = namespaceOf(parsed);
  const podName = name.startsWith('pod/') ? name.slice(4) : name;
  const pod = call.state.pods.get(`${namespace}/${podName}`);
  if (!pod) return kubectlErrors.notFound('pods', podName);
  const waiting = notRunning(pod, flag(parsed, 'container'));
  if (waiting) return waiting;
  const [program, ...args] = parsed.rest;
  const frame = { kind: 'pod' as const, namespace, name: pod.name, shell: program.replace(/^.*\//, '') };
  if (SHELLS.has(program)) {
    if (args[0] === '-c' && args.length >= 2) return withExitStatus(runInPod(call, frame, args[1]));
    if (args.length > 0) return withExitStatus(runInPod(call, frame, args));
    if (boolFlag(parsed, 'stdin') && boolFlag(parsed, 'tty')) return { ...printed(''), stack: [...call.stack, frame] };
    if (boolFlag(parsed, 'stdin')) return withExitStatus(runInPod(call, frame, call.stdin));
    return printed('');
  }
  return withExitStatus(runInPod(call, frame, parsed.rest));
}

function withExitStatus(result: Printed): Printed {
  if (result.exitCode === 0) return result;
  return { ...result, stderr: `${result.stderr}command terminated with exit code ${result.exitCode}\n` };
}

function notRunning(pod: PodState, container: string | undefined): Printed | null {
  if (container !== undefined && !pod.containers.some((c) => c.name === container)) {
    return failure(`Error from server (BadRequest): container ${container} is not valid for pod ${pod.name}\n`);
  }
  if (pod.phase === 'Running') return null;
  const target = container ?? pod.containers[0]?.name ?? pod.name;
  return failure(`Error from server (BadRequest): container "${target}" in pod "${pod.name}" is waiting to start: ${podStatus(pod)}\n`);
}

/** "2026-11-22 09:02:58.000 UTC", postgres' log_line_prefix time. */
function logTime(epochMs: number): string {
  const [, month, day, time, year] = formatCtime(epochMs).split(/ +/);
  const monthNumber = String(MONTHS.indexOf(month) + 1).padStart(2, '0');
  return `${year}-${monthNumber}-${day.padStart(2, '0')} ${time}.000 UTC`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What the well-known images log when they start (postgres as in the reference transcript), at the pod's start. */
const imageLogs: Record<string, (started: string) => string> = {
  postgres: (at) =>
    `PostgreSQL init process complete; ready for start up.\n\n${at} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432\n${at} [1] LOG:  database system is ready to accept connections\n`,
};

/** `kubectl logs POD`: the start-up lines of well-known images; nothing for the others (netshoot sleeps). */
export function kubectlLogs(call: Invocation, parsed: ParsedFlags): Printed {
  const [name] = parsed.positional;
  if (!name) return kubectlErrors.usage("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command", 'logs');
  const namespace = namespaceOf(parsed);
  const podName = name.startsWith('pod/') ? name.slice(4) : name;
  const pod = call.state.pods.get(`${namespace}/${podName}`);
  if (!pod) return kubectlErrors.notFound('pods', podName);
  const waiting = notRunning(pod, flag(parsed, 'container'));
  if (waiting) return waiting;
  const repo = (pod.containers[0]?.image ?? '').split(':')[0].split('/').pop() ?? '';
  return printed(imageLogs[repo]?.(logTime(call.env.epochMs + pod.createdAt)) ?? '');
}
