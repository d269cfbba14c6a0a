import { execFileSync } from 'node:child_process';

/** The iptables views every real-iptables check prints from both sides. */
export const VIEWS: string[][] = [
  ['-t', 'nat', '-vnL'],
  ['-L', '-n', '-v'],
  ['-t', 'nat', '-L', '-n', '--line-numbers'],
  ['-t', 'mangle', '-vnL'],
  ['-t', 'nat', '-vnxL', 'KUBE-SERVICES'],
  ['-S'],
  ['-t', 'nat', '-S'],
];

export const withoutTimestamps = (save: string) => save.split('\n').filter((line) => !line.startsWith('# ')).join('\n');

/**
 * For the enclosing describe: checks the real iptables is 1.8.9 (nf_tables), creates the network
 * namespace before its tests and deletes it after. Returns a runner for commands inside it.
 */
export function useIptablesNamespace(namespace: string): (args: string[], input?: string) => string {
  beforeAll(() => {
    expect(execFileSync('iptables', ['-V'], { encoding: 'utf8' }).trim()).toBe('iptables v1.8.9 (nf_tables)');
    execFileSync('ip', ['netns', 'add', namespace]);
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', namespace]);
  });
  return (args, input) => execFileSync('ip', ['netns', 'exec', namespace, ...args], { input, encoding: 'utf8' });
}
