import { WORKSTATION, type ShellFrame } from './context';
import { runShell } from './run-shell';
import type { Invocation, Printed } from './types';

/**
 * A command run in another context and back (`kubectl exec app -- ip a`, `docker exec node ip a`,
 * `minikube ssh -- route -n`): a line or an argv, read-only (nodes and pods change nothing in
 * the lab except iptables, which must be run from the node's own shell).
 */
export function runNested(call: Invocation, frame: ShellFrame, line: string | string[]): Printed {
  const text = typeof line === 'string' ? line : line.map(quote).join(' ');
  const step = runShell(call.state, [WORKSTATION, frame], text, call.env);
  if (step.kind === 'mutation') {
    return { kind: 'printed', stdout: '', stderr: 'the lab runs changing commands only in an interactive shell: enter the node first (docker exec -it <node> bash)\n', exitCode: 1 };
  }
  return { kind: 'printed', ...step.output };
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
