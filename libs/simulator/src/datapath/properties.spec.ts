import fc from 'fast-check';
import { pluginBackends } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { labConnectivity } from './connectivity';
import { labWith, runPod } from './lab-fixtures';
import { trace } from './trace';
import type { Hop } from './types';

const images = ['nginx', 'postgres', 'redis', 'busybox'];

/** A random lab: plugin and backend, 1–4 nodes, 2–6 pods with random labels, maybe a few policies. */
const labs = fc
  .record({
    cni: fc.constantFrom(...pluginBackends),
    nodes: fc.integer({ min: 1, max: 4 }),
    pods: fc.array(fc.record({ image: fc.constantFrom(...images), node: fc.nat(3), tier: fc.constantFrom('a', 'b') }), { minLength: 2, maxLength: 6 }),
    policies: fc.array(fc.record({ target: fc.constantFrom('a', 'b'), from: fc.constantFrom('a', 'b'), port: fc.constantFrom(80, 5432, 6379) }), { maxLength: 3 }),
  })
  .map((spec) => {
    const state = labWith({ cni: spec.cni }, spec.nodes);
    const nodes = [...state.nodes.keys()];
    spec.pods.forEach((pod, i) => runPod(state, `p${i}`, pod.image, nodes[pod.node % nodes.length], { tier: pod.tier }));
    spec.policies.forEach((policy, i) =>
      applyCommand(state, {
        type: 'applyNetworkPolicy',
        policy: {
          metadata: { name: `np${i}`, namespace: 'default' },
          spec: { podSelector: { matchLabels: { tier: policy.target } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: policy.from } } }], ports: [{ port: policy.port }] }] },
        },
      }),
    );
    return state;
  });

function podKeys(state: LabState): string[] {
  return [...state.pods.values()].filter((pod) => pod.namespace === 'default').map((pod) => `default/${pod.name}`);
}

function requestHops(hops: Hop[]): Hop[] {
  const end = hops.findIndex((hop) => hop.action === 'conntrack');
  return end < 0 ? hops : hops.slice(0, end);
}

describe('tracer properties on random labs', () => {
  it('a delivered trace ends at the destination address; a node is never entered twice without encapsulation', () => {
    fc.assert(
      fc.property(labs, fc.nat(), fc.nat(), fc.constantFrom(80, 5432, 6379), (state, i, j, port) => {
        const keys = podKeys(state);
        const [from, to] = [keys[i % keys.length], keys[j % keys.length]];
        const result = trace(state, { from, to, port, protocol: 'TCP' });
        const hops = requestHops(result.hops);
        if (result.verdict === 'delivered') {
          const last = hops.at(-1)!;
          expect(last.action).toBe('deliver');
          expect(last.packet.l3.dst).toBe(state.pods.get(to)!.ip);
        }
        const entered: string[] = [];
        let previous = '';
        for (const hop of hops) {
          const where = hop.netns === 'node' ? `node ${hop.node}` : hop.netns;
          if (where !== previous && where.startsWith('node ')) {
            const encapsulated = hop.action === 'receive' || hop.action === 'decapsulate';
            if (!encapsulated) expect(entered).not.toContain(where);
            entered.push(where);
          }
          previous = where;
        }
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with the connectivity matrix on every pair whose packets reach the policy checks (same engine)', () => {
    fc.assert(
      fc.property(labs, fc.constantFrom(80, 5432, 6379), (state, port) => {
        const { pods, matrix } = labConnectivity(state, { port, protocol: 'TCP' });
        pods.forEach((from, i) =>
          pods.forEach((to, j) => {
            const result = trace(state, { from, to, port, protocol: 'TCP' });
            const policyDrop = result.hops.some((hop) => hop.layer === 'policy' && hop.action === 'drop');
            // Only traces that reach the policy checks say anything about policies (a calico lab without routers has no cross-node path).
            if (policyDrop || result.verdict === 'delivered' || result.verdict === 'refused') expect(!policyDrop).toBe(matrix[i][j]);
          }),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('pod → Service: a delivered trace ends at one of the Service\'s endpoints, the same one for the same flow, and the reply comes from the ClusterIP', () => {
    fc.assert(
      fc.property(labs, fc.nat(), fc.constantFrom('a', 'b'), (state, i, tier) => {
        applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'svc', selector: { tier }, ports: [{ port: 8080, targetPort: 80 }] } });
        const keys = podKeys(state);
        const from = keys[i % keys.length];
        const service = state.services.get('default/svc')!;
        const endpoints = keys.map((key) => state.pods.get(key)!).filter((pod) => pod.labels.tier === tier).map((pod) => pod.ip);
        const request = { from, to: 'svc.default', port: 8080, protocol: 'TCP' as const };
        const result = trace(state, request);
        const hops = requestHops(result.hops);
        // Without endpoints kube-proxy's REJECT refuses whatever reaches the node (a pod cut off from its gateway is unreachable before).
        if (endpoints.length === 0) expect(['refused', 'unreachable']).toContain(result.verdict);
        if (result.verdict !== 'delivered') return;
        const dnat = hops.find((hop) => hop.action === 'dnat')!;
        expect(dnat.node).toBe(state.pods.get(from)!.node);
        const delivered = hops.at(-1)!.packet.l3.dst;
        expect(endpoints).toContain(delivered);
        expect(requestHops(trace(state, request).hops).at(-1)!.packet.l3.dst).toBe(delivered);
        expect(result.hops.at(-1)!.packet.l3.src).toBe(service.clusterIP);
      }),
      { numRuns: 40 },
    );
  });
});
