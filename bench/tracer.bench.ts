// The tracer at the Kubernetes limits (issue 7): 5,000 nodes, 150,000 pods in 10,000 namespaces,
// 5,000 NetworkPolicies, on a plugin that enforces them (calico) and on flannel VXLAN. Figures:
// latency of one pod→pod TCP trace (with its SYN-ACK back) between random pods on random nodes,
// p50/p99 over warm traces at one state version (the policy and pod-CIDR indexes are built once
// per version; that build is reported apart). The calico lab has no routers between nodes (its
// derived datapath is bridge-like), so its pairs are drawn on one node, where policies decide;
// flannel pairs are random across nodes (VXLAN). pod→Service is not measured yet.
import { performance } from 'node:perf_hooks';
import { applyCommand, initialState, trace, type LabState } from '@hoplab/simulator';

const NODES = 5_000;
const PODS = 150_000;
const NAMESPACES = 10_000;
const POLICIES = 5_000;
const TRACES = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function buildLab(plugin: 'calico' | 'flannel'): LabState {
  const state = initialState();
  let time = 0;
  const apply = (command: Parameters<typeof applyCommand>[1]) => applyCommand(state, command, (time += 10));
  apply({ type: 'createLab', name: `tracer-${plugin}`, cluster: { cni: { plugin }, podCIDR: '10.0.0.0/8', nodeNetwork: '172.16.0.0/12', serviceCIDR: '192.168.0.0/16' } });
  for (let i = 0; i < NODES; i++) apply({ type: 'addNode' });
  for (let n = 0; n < NAMESPACES; n++) apply({ type: 'createNamespace', name: `ns-${n}`, labels: { team: `t${n % 50}` } });
  const nodes = [...state.nodes.keys()];
  for (let i = 0; i < PODS; i++) {
    apply({
      type: 'createPod',
      namespace: `ns-${i % NAMESPACES}`,
      name: `pod-${i}`,
      nodeName: nodes[i % NODES],
      labels: { app: `app-${i % 100}`, tier: i % 3 === 0 ? 'db' : 'web' },
      containers: [{ name: 'c', image: i % 3 === 0 ? 'postgres' : 'nginx' }],
    });
  }
  for (let p = 0; p < POLICIES; p++) {
    apply({
      type: 'applyNetworkPolicy',
      policy: {
        metadata: { name: `np-${p}`, namespace: `ns-${(p * 2) % NAMESPACES}` },
        spec: {
          podSelector: { matchLabels: { app: `app-${p % 100}` } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${p % 50}` } } }, { podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 5432 }, { port: 80 }] }],
        },
      },
    });
  }
  return state;
}

function measure(state: LabState, sameNode: boolean): Record<string, unknown> {
  const pods = [...state.pods.values()].filter((pod) => !pod.hostNetwork && pod.ip !== '');
  const keys = pods.map((pod) => `${pod.namespace}/${pod.name}`);
  const byNode = new Map<string, string[]>();
  for (const pod of pods) byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), `${pod.namespace}/${pod.name}`]);
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % keys.length;
  let start = performance.now();
  trace(state, { from: keys[0], to: keys[1], port: 80, protocol: 'TCP' });
  const firstTraceMs = performance.now() - start;
  const samples: number[] = [];
  const verdicts: Record<string, number> = {};
  for (let i = 0; i < TRACES; i++) {
    const from = keys[random()];
    const neighbours = byNode.get(state.pods.get(from)!.node)!;
    const to = sameNode ? neighbours[random() % neighbours.length] : keys[random()];
    const port = i % 2 === 0 ? 80 : 5432;
    start = performance.now();
    const result = trace(state, { from, to, port, protocol: 'TCP' });
    samples.push(performance.now() - start);
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1;
  }
  samples.sort((a, b) => a - b);
  return {
    traces: TRACES,
    firstTraceMs: Number(firstTraceMs.toFixed(1)),
    p50Ms: Number(percentile(samples, 50).toFixed(3)),
    p99Ms: Number(percentile(samples, 99).toFixed(3)),
    maxMs: Number(samples[samples.length - 1].toFixed(3)),
    verdicts,
    targetP99Ms: 2,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { nodes: NODES, pods: PODS, namespaces: NAMESPACES, policies: POLICIES };
  for (const plugin of ['calico', 'flannel'] as const) {
    const start = performance.now();
    const state = buildLab(plugin);
    result[`${plugin}BuildS`] = Number(((performance.now() - start) / 1000).toFixed(1));
    result[`${plugin}PodToPod${plugin === 'calico' ? 'SameNode' : 'CrossNode'}`] = measure(state, plugin === 'calico');
  }
  return result;
}
