import fc from 'fast-check';
import { WORKSTATION } from './context';
import { runShell } from './run-shell';
import { EPOCH, terminal, testLab } from './test-lab';

/**
 * Whatever a user types, the shell answers (output, or commands to apply) and never throws:
 * a thrown error would be a 500 from POST /exec instead of bash's or kubectl's message.
 */
const pieces = [
  'kubectl', 'get', 'po', 'pods', '-A', '-o', 'wide', 'yaml', 'name', 'jsonpath={.items[*].metadata.name}', '-l', 'app=x', '-n', 'kube-system',
  'describe', 'run', 'x', '--image', 'nginx', 'apply', '-f', '-', 'delete', 'exec', '-it', '--', 'bash', 'sh', 'label', 'a=b', 'expose', '--port', '80',
  'rollout', 'restart', 'ds', 'kube-proxy', 'minikube', 'ssh', 'node', 'list', 'docker', 'minikube-m02', 'ip', 'a', 'route', '-n', 'iptables', '-t', 'nat', '-vnL', '-S',
  'telnet', '10.244.0.2', '5432', 'nc', '-zv', 'curl', 'ping', '-c', '1', 'nslookup', 'kubernetes', 'cat', '/etc/resolv.conf', 'grep', '-v', '-c', 'wc', '-l', 'head', 'tail',
  'awk', "'{print $1}'", 'sort', 'cut', '-d.', '-f2', 'echo', 'exit', 'foo', '|', ';', '&&', '||', '"', "'", '$(', ')', '<<EOF', '\n', 'EOF', '2>&1', '>/dev/null', '#', '\\',
];

describe('the lab shell on arbitrary input', () => {
  it('never throws, and reads never change the state', () => {
    const state = testLab({}, 2);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.boolean(), (words, glued) => {
        const line = words.join(glued ? '' : ' ');
        const version = state.version;
        const step = runShell(state, [WORKSTATION], line, { now: 1000, epochMs: EPOCH });
        expect(['done', 'mutation']).toContain(step.kind);
        expect(state.version).toBe(version);
        if (step.kind === 'done') expect(typeof step.output.exitCode).toBe('number');
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });

  it('changes go through decide: applied, or refused with a SimulatorError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (words) => {
        const t = terminal(testLab({}, 1));
        const step = t.run(words.join(' '));
        expect(step.kind).toBe('done');
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('never throws in a node or a pod either', () => {
    const state = testLab({}, 1);
    runShell(state, [WORKSTATION], 'true', { now: 0, epochMs: EPOCH });
    const pod = [...state.pods.values()].find((p) => !p.hostNetwork)!;
    const stacks = [
      [WORKSTATION, { kind: 'node' as const, node: 'minikube', user: 'root' as const }],
      [WORKSTATION, { kind: 'pod' as const, namespace: pod.namespace, name: pod.name, shell: 'bash' }],
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), fc.constantFrom(0, 1), (words, which) => {
        const step = runShell(state, stacks[which], words.join(' '), { now: 1000, epochMs: EPOCH });
        expect(['done', 'mutation']).toContain(step.kind);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
