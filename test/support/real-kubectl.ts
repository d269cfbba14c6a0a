/**
 * The real kubectl (v1.32) against a lab's Kubernetes API: a suite's temporary folder is its HOME and
 * holds its discovery cache, so nothing of the user's own configuration comes in.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a kubectl command gave: its exit code and output (through real kubectl, or the lab shell's own). */
export interface KubectlRun {
  rc: number;
  stdout: string;
  stderr: string;
}

/** For the enclosing describe: a temporary folder for kubectl's HOME (and the suite's kubeconfigs and files), removed in afterAll. */
export function useKubectlHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'hoplab-kubectl-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

const argv = (home: string, kubeconfig: string, args: string[]) => ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args];
const env = (home: string) => ({ ...process.env, HOME: home });

/** Runs kubectl to its end (20 s at most) with `input` on stdin if given; resolves, never rejects. */
export function runKubectl(home: string, kubeconfig: string, args: string[], input?: string): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', argv(home, kubeconfig, args), { env: env(home), timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ rc: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Starts a kubectl that runs until killed (get -w). */
export function startKubectl(home: string, kubeconfig: string, args: string[]): ChildProcess {
  return execFile('kubectl', argv(home, kubeconfig, args), { env: env(home) });
}
