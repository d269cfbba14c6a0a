import fc from 'fast-check';
import { evaluateFlow } from './evaluate';
import { connectivityMatrix } from './matrix';
import { indexWorld } from './policy-index';
import type { IPBlock, LabelSelector, NetpolPod, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from './types';

const namespaces = [
  { name: 'a', labels: { team: 'red' } },
  { name: 'b', labels: { team: 'blue' } },
];
const pods: NetpolPod[] = ['a', 'b'].flatMap((ns, n) =>
  [
    { app: 'web', tier: '1' },
    { app: 'db', tier: '2' },
    { app: 'web', tier: '2' },
  ].map((labels, i) => ({
    namespace: ns,
    name: `p${i}`,
    labels,
    ip: `10.0.${n}.${i + 1}`,
    containers: [{ ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' as const }, { name: 'dns', containerPort: 53, protocol: 'UDP' as const }] }],
  })),
);

const selector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.dictionary(fc.constantFrom('app', 'tier', 'team'), fc.constantFrom('web', 'db', '1', '2', 'red', 'blue'), { maxKeys: 2 }) }),
  fc.record({
    matchExpressions: fc.array(
      fc.record({
        key: fc.constantFrom('app', 'tier', 'team'),
        operator: fc.constantFrom('In' as const, 'NotIn' as const),
        values: fc.subarray(['web', 'db', '1', 'red'], { minLength: 1 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.record({ ipBlock: fc.constantFrom<IPBlock>({ cidr: '10.0.0.0/16' }, { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] }, { cidr: '10.0.1.2/32' }) }),
);
const port: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.constantFrom(53, 80, 81) }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.constant(53), endPort: fc.constantFrom(80, 100) }),
  fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP'), port: fc.constantFrom('http', 'dns') }),
);
const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }) });
let counter = 0;
const policy: fc.Arbitrary<NetworkPolicy> = fc
  .record({
    namespace: fc.constantFrom('a', 'b'),
    podSelector: selector,
    types: fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  })
  .map(({ namespace, podSelector, types, ingress, egress }) => ({
    metadata: { name: `p${counter++}`, namespace },
    spec: {
      podSelector,
      policyTypes: types,
      ingress: ingress.map((r) => ({ from: r.peers, ports: r.ports })),
      egress: egress.map((r) => ({ to: r.peers, ports: r.ports })),
    },
  }));
const endpoint = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pods) }, { weight: 1, arbitrary: fc.constantFrom({ ip: '10.0.1.2' }, { ip: '8.8.8.8' }) });
const flow = fc.record({
  source: endpoint,
  destination: endpoint,
  port: fc.constantFrom(53, 80, 81),
  protocol: fc.constantFrom<Protocol>('TCP', 'UDP'),
});
const worldOf = (policies: NetworkPolicy[]) => ({ namespaces, pods, policies });

describe('NetworkPolicy properties', () => {
  it('adding a policy grants nothing a denying direction did not get from that policy', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 4 }), policy, flow, (existing, added, f) => {
        const before = evaluateFlow(worldOf(existing), f);
        const after = evaluateFlow(worldOf([...existing, added]), f);
        const key = `${added.metadata.namespace}/${added.metadata.name}`;
        for (const direction of ['egress', 'ingress'] as const) {
          if (!before[direction].allowed && after[direction].allowed) {
            expect(after[direction].allowedBy.some((m) => m.policy === key)).toBe(true);
          }
          if (before[direction].allowed && !after[direction].allowed) {
            // Only the new isolation of a pod nothing isolated before can take traffic away.
            expect(before[direction].isolated).toBe(false);
            expect(after[direction].policies).toEqual([key]);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('deleting all policies, in any order, restores full connectivity', () => {
    fc.assert(
      fc.property(
        fc.array(policy, { minLength: 1, maxLength: 5 }).chain((policies) =>
          fc.tuple(fc.constant(policies), fc.shuffledSubarray(policies, { minLength: policies.length })),
        ),
        fc.constantFrom(53, 80, 81),
        fc.constantFrom<Protocol>('TCP', 'UDP'),
        ([policies, deletionOrder], p, protocol) => {
          const live = [...policies];
          for (const deleted of deletionOrder) live.splice(live.indexOf(deleted), 1);
          const { matrix } = connectivityMatrix(worldOf(live), pods, p, protocol);
          expect(matrix.flat().every(Boolean)).toBe(true);
          const fromOutside = evaluateFlow(worldOf(live), { source: { ip: '8.8.8.8' }, destination: pods[0], port: p, protocol });
          expect(fromOutside.allowed).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('the verdict does not depend on the order policies were applied in', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 5 }), flow, (policies, f) => {
        expect(evaluateFlow(worldOf([...policies].reverse()), f).allowed).toBe(evaluateFlow(worldOf(policies), f).allowed);
      }),
      { numRuns: 300 },
    );
  });

  it('the matrix agrees with single verdicts through an index', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 5 }), (policies) => {
        const index = indexWorld(worldOf(policies));
        const { matrix } = connectivityMatrix(index, pods, 80, 'TCP');
        pods.forEach((s, i) =>
          pods.forEach((d, j) => {
            expect(matrix[i][j]).toBe(evaluateFlow(worldOf(policies), { source: s, destination: d, port: 80, protocol: 'TCP' }).allowed);
          }),
        );
      }),
      { numRuns: 60 },
    );
  });
});
