import { evaluateFlow } from './evaluate';
import { connectivityMatrix } from './matrix';
import { namespace, netpol, pod, world } from './test-fixture';

const pods = [
  pod('a/one', '10.244.1.1', { app: 'one' }),
  pod('a/two', '10.244.1.2', { app: 'two' }),
  pod('b/three', '10.244.2.1', { app: 'three' }),
];
const policies = [
  netpol('a/only-from-one', {
    podSelector: { matchLabels: { app: 'two' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'one' } } }] }],
  }),
  netpol('b/no-egress', { podSelector: {}, policyTypes: ['Egress'] }),
];
const w = world([namespace('a'), namespace('b')], pods, policies);

describe('connectivityMatrix', () => {
  it('gives rows by source and columns by destination, the diagonal always allowed', () => {
    expect(connectivityMatrix(w, pods, 80, 'TCP')).toEqual({
      pods: ['a/one', 'a/two', 'b/three'],
      matrix: [
        [true, true, true],
        [true, true, true],
        [false, false, true],
      ],
    });
  });

  it('agrees with evaluateFlow on every pair and accepts "namespace/name" keys', () => {
    const { matrix } = connectivityMatrix(w, ['a/one', 'a/two', 'b/three', 'b/missing'], 80, 'TCP');
    expect(matrix).toHaveLength(3);
    pods.forEach((s, i) =>
      pods.forEach((d, j) => {
        expect(matrix[i][j]).toBe(evaluateFlow(w, { source: s, destination: d, port: 80, protocol: 'TCP' }).allowed);
      }),
    );
    expect(matrix[2][1]).toBe(false);
  });
});
