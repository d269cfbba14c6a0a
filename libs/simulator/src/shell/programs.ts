import type { LabState } from '../cluster/types';
import type { ShellFrame } from './context';
import { kubectl } from './kubectl/kubectl';
import { docker, minikube } from './minikube';
import { nodePrograms } from './node-programs';
import { podPrograms } from './pod-programs';
import { awk, cut, echo, grep, head, sort, tail, uniq, wc } from './text/filters';
import { failure, printed, type Invocation, type Program, type ProgramResult } from './types';
import { runNested } from './nested';

/** Builtins and filters every context has. */
const common: Record<string, Program> = {
  grep,
  wc,
  head,
  tail,
  awk,
  sort,
  uniq,
  cut,
  echo,
  true: () => printed(''),
  false: () => failure('', 1),
  clear: () => printed('\x1b[H\x1b[2J\x1b[3J'),
  pwd: (call) => printed(pwd(call)),
  exit: (call) => exit(call),
  logout: (call) => exit(call),
};

/** `sudo CMD…` on a node: CMD as root in the same shell (the docker user of `minikube ssh` may). */
function sudo(call: Invocation): ProgramResult {
  const [, name, ...args] = call.argv;
  if (name === undefined) return failure('usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\n', 1);
  const top = call.stack[call.stack.length - 1];
  if (top?.kind !== 'node') return failure(`bash: sudo: command not found\n`, 127);
  const root = { ...top, user: 'root' as const };
  const program = findProgram(name, root, call.state);
  if (!program || name === 'exit') return failure(`sudo: ${name}: command not found\n`, 1);
  const result = program({ ...call, argv: [name, ...args], stack: [...call.stack.slice(0, -1), root] });
  return result.kind === 'printed' ? { ...result, stack: undefined } : result;
}

/** Leaves the current context; a pod started by `kubectl run --rm -it` is deleted on the way out. */
function exit(call: Invocation): ProgramResult {
  if (call.stack.length <= 1) return printed('', "the workstation's shell stays open: there is nothing to exit to\n", 0);
  const top = call.stack[call.stack.length - 1];
  const stack = call.stack.slice(0, -1);
  if (top.kind !== 'pod' || !top.removeOnExit) return { ...printed('exit\n'), stack };
  const session = `Session ended, resume using 'kubectl attach ${top.name} -c ${top.name} -i -t' command when the pod is running\n`;
  return {
    kind: 'mutation',
    commands: [{ type: 'deletePod', namespace: top.namespace, name: top.name }],
    render: () => ({ ...printed(`exit\n${session}pod "${top.name}" deleted\n`), stack }),
  };
}

function pwd(call: Invocation): string {
  const top = call.stack[call.stack.length - 1];
  if (top?.kind === 'node') return top.user === 'root' ? '/\n' : '/home/docker\n';
  if (top?.kind === 'pod') return call.state.pods.get(`${top.namespace}/${top.name}`)?.containers[0]?.image.includes('netshoot') ? '/root\n' : '/\n';
  return '/home/student\n';
}

/** The lab's file store, seen from the workstation (`cat deny-all.yaml`, `ls`). */
const workstation: Record<string, Program> = {
  kubectl: (call) => kubectl(call, (c, frame, line) => runNested(c, frame, line)),
  minikube: (call) => minikube(call, (c, frame, line) => runNested(c, frame, line)),
  docker: (call) => docker(call, (c, frame, line) => runNested(c, frame, line)),
  cat: (call) => {
    const paths = call.argv.slice(1);
    if (paths.length === 0) return printed(call.stdin);
    let stdout = '';
    let stderr = '';
    for (const path of paths) {
      const text = call.state.files.get(path);
      if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
      else stdout += text;
    }
    return printed(stdout, stderr, stderr ? 1 : 0);
  },
  ls: (call) => printed([...call.state.files.keys()].sort().map((f) => `${f}\n`).join('')),
};

/** The program `name` in the context `frame`, or undefined (bash: command not found). */
export function findProgram(name: string, frame: ShellFrame, state: LabState): Program | undefined {
  if (frame.kind === 'workstation') return workstation[name] ?? common[name];
  if (frame.kind === 'node') {
    if (name === 'sudo') return sudo;
    return nodePrograms(frame.node, frame.user)[name] ?? common[name];
  }
  const image = state.pods.get(`${frame.namespace}/${frame.name}`)?.containers[0]?.image ?? '';
  return podPrograms(frame.namespace, frame.name, image)[name] ?? common[name];
}
