import { initialState } from '../../model/state';
import { WORKSTATION } from '../context';
import type { Invocation } from '../types';
import { awk, basicToExtended, cut, grep, head, sort, tail, uniq, wc } from './filters';

const input = 'kube-flannel   kube-flannel-ds-abcde   1/1   Running\nkube-system    coredns-x7k2p           1/1   Running\nkube-system    kube-proxy-q2w3e        1/1   Running\n';
const call = (argv: string[], stdin = input): Invocation => ({ argv, stdin, state: initialState(), env: { now: 0, epochMs: 0 }, stack: [WORKSTATION] });
const out = (r: { stdout: string; stderr: string; exitCode: number }): [string, number] => [r.stdout, r.exitCode];

describe('text filters', () => {
  it('grep: basic and extended patterns, -v, -i, -c, exit status', () => {
    expect(out(grep(call(['grep', 'flannel'])))).toEqual(['kube-flannel   kube-flannel-ds-abcde   1/1   Running\n', 0]);
    expect(out(grep(call(['grep', '-v', 'kube-system'])))).toEqual(['kube-flannel   kube-flannel-ds-abcde   1/1   Running\n', 0]);
    expect(out(grep(call(['grep', '-i', 'COREDNS'])))[0]).toContain('coredns-x7k2p');
    expect(out(grep(call(['grep', '-E', 'coredns|proxy', '-c'])))).toEqual(['2\n', 0]);
    expect(out(grep(call(['grep', 'coredns\\|proxy', '-c'])))).toEqual(['2\n', 0]);
    expect(out(grep(call(['grep', 'coredns|proxy', '-c'])))).toEqual(['0\n', 1]);
    expect(out(grep(call(['grep', 'nothing'])))).toEqual(['', 1]);
    expect(grep(call(['grep'])).exitCode).toBe(2);
    expect(grep(call(['grep', '-Z', 'x'])).stderr).toBe("grep: invalid option -- 'Z'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
  });

  it('BRE to JavaScript: \\| and \\( are operators, bare | ( + ? are literal', () => {
    expect(basicToExtended('a\\|b')).toBe('a|b');
    expect(basicToExtended('(x)+')).toBe('\\(x\\)\\+');
    expect(basicToExtended('^Chain')).toBe('^Chain');
  });

  it('wc -l counts newlines; wc alone prints lines, words and bytes', () => {
    expect(out(wc(call(['wc', '-l'])))).toEqual(['3\n', 0]);
    expect(out(wc(call(['wc', '-l'], '')))).toEqual(['0\n', 0]);
    expect(out(wc(call(['wc'], 'a b\nc\n')))).toEqual(['      2       3       6\n', 0]);
  });

  it('head and tail with -n N, -N and +N', () => {
    expect(out(head(call(['head', '-n', '1'])))[0]).toBe('kube-flannel   kube-flannel-ds-abcde   1/1   Running\n');
    expect(out(head(call(['head', '-2'])))[0].split('\n')).toHaveLength(3);
    expect(out(tail(call(['tail', '-n1'])))[0]).toBe('kube-system    kube-proxy-q2w3e        1/1   Running\n');
    expect(out(tail(call(['tail', '-n', '+3'])))[0]).toBe('kube-system    kube-proxy-q2w3e        1/1   Running\n');
    expect(head(call(['head', 'file'])).stderr).toBe("head: cannot open 'file' for reading: No such file or directory\n");
  });

  it("awk '{print $N}' with several fields, NF, -F and a /regex/ filter", () => {
    expect(out(awk(call(['awk', '{print $2}'])))[0]).toBe('kube-flannel-ds-abcde\ncoredns-x7k2p\nkube-proxy-q2w3e\n');
    expect(out(awk(call(['awk', '/proxy/ {print $1, $NF}'])))[0]).toBe('kube-system Running\n');
    expect(out(awk(call(['awk', '-F', '-', '{print $1}'], 'a-b\nc-d\n')))[0]).toBe('a\nc\n');
    expect(out(awk(call(['awk', '{print}'], 'x y\n')))[0]).toBe('x y\n');
  });

  it('sort (-r, -n, -u, -k) and uniq (-c)', () => {
    expect(out(sort(call(['sort'], 'b\na\nc\n')))[0]).toBe('a\nb\nc\n');
    expect(out(sort(call(['sort', '-rn'], '2\n10\n1\n')))[0]).toBe('10\n2\n1\n');
    expect(out(sort(call(['sort', '-u'], 'b\na\nb\n')))[0]).toBe('a\nb\n');
    expect(out(sort(call(['sort', '-k', '2'], 'x b\ny a\n')))[0]).toBe('y a\nx b\n');
    expect(out(uniq(call(['uniq', '-c'], 'a\na\nb\n')))[0]).toBe('      2 a\n      1 b\n');
  });

  it('cut -d X -f LIST and -c LIST', () => {
    expect(out(cut(call(['cut', '-d', '.', '-f', '1-3'], '10.244.1.2\n')))[0]).toBe('10.244.1\n');
    expect(out(cut(call(['cut', '-d.', '-f3'], '10.244.1.2\nnodots\n')))[0]).toBe('1\nnodots\n');
    expect(out(cut(call(['cut', '-c', '1-4'], 'abcdef\n')))[0]).toBe('abcd\n');
    expect(cut(call(['cut', '-d', ':'])).exitCode).toBe(1);
  });
});
