import { execFileSync } from 'node:child_process';

/** A suffix unique to this test process, for names of namespaces and links that live in the host kernel. */
export const tag = `${process.pid % 100000}`;

export function run(args: string[]): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function inNs(ns: string, args: string[]): string {
  return run(['ip', 'netns', 'exec', ns, ...args]);
}

/** Runs a command that may fail; returns its exit code and output. */
export function attempt(ns: string, args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: inNs(ns, args) };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { code: failure.status, out: `${failure.stdout}${failure.stderr}` };
  }
}

const created: string[] = [];

/** Creates a network namespace with lo up; removeNamespaces() deletes it. */
export function addNamespace(name: string): void {
  run(['ip', 'netns', 'add', name]);
  created.push(name);
  inNs(name, ['ip', 'link', 'set', 'lo', 'up']);
}

/** Deletes every namespace addNamespace created, newest first. */
export function removeNamespaces(): void {
  for (const ns of created.splice(0).reverse()) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}
