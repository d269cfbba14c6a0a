// The tracer at the Kubernetes limits (issue 7): 5,000 nodes, 150,000 pods in 10,000 namespaces,
// 5,000 NetworkPolicies, on a plugin that enforces them (calico) and on flannel VXLAN. Figures:
// latency of one pod→pod TCP trace (with its SYN-ACK back) between random pods on random nodes,
// p50/p99 over warm traces at one state version (the policy and pod-CIDR indexes are built once
// per version; that build is reported apart). The calico lab has no routers between nodes (its
// derived datapath is bridge-like), so its pairs are drawn on one node, where policies decide;
// flannel pairs are random across nodes (VXLAN). The flannel lab also has 10,000 Services of 15
// endpoints each (pods labelled svc=s-<i mod 10,000>): pod→Service traces go from a random pod to a
// random Service through the source node's kube-proxy rules (DNAT), then across the overlay.
import { loadavg } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { applyCommand, initialState, trace, type LabState } from '@hoplab/simulator';

const NODES = 5_000;
const PODS = 150_000;
const NAMESPACES = 10_000;
const POLICIES = 5_000;
const SERVICES = 10_000;
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
      labels: { app: `app-${i % 100}`, tier: i % 3 === 0 ? 'db' : 'web', svc: `s-${i % SERVICES}` },
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
  if (plugin === 'flannel') {
    for (let s = 0; s < SERVICES; s++) {
      apply({ type: 'applyService', service: { namespace: `ns-${s % NAMESPACES}`, name: `svc-${s}`, selector: { svc: `s-${s}` }, ports: [{ port: 8080, targetPort: 80 }] } });
    }
  }
  return state;
}

type Sample = (i: number, random: () => number) => Parameters<typeof trace>[1];

async function measure(state: LabState, sample: Sample): Promise<Record<string, unknown>> {
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let start = performance.now();
  trace(state, sample(-1, random));
  const firstTraceMs = performance.now() - start;
  const samples: number[] = [];
  // CPU time of the process per trace: on a shared machine wall time also counts the time other processes held the cores.
  const cpuSamples: number[] = [];
  const verdicts: Record<string, number> = {};
  // The tail is where the collector pauses: its pauses during the traces are reported with them.
  const pauses: { start: number; end: number }[] = [];
  const spans: { start: number; end: number }[] = [];
  const record = (entries: readonly { startTime: number; duration: number }[]) => pauses.push(...entries.map((entry) => ({ start: entry.startTime, end: entry.startTime + entry.duration })));
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < TRACES; i++) {
    const request = sample(i, random);
    const cpu = process.cpuUsage();
    start = performance.now();
    const result = trace(state, request);
    const end = performance.now();
    const used = process.cpuUsage(cpu);
    samples.push(end - start);
    cpuSamples.push((used.user + used.system) / 1000);
    spans.push({ start, end });
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1;
  }
  await new Promise((resolve) => setImmediate(resolve));
  record(observer.takeRecords());
  observer.disconnect();
  const paused = (span: { start: number; end: number }) => pauses.some((pause) => pause.start < span.end && pause.end > span.start);
  const withoutGc = spans.filter((span) => !paused(span)).map((span) => span.end - span.start).sort((a, b) => a - b);
  samples.sort((a, b) => a - b);
  cpuSamples.sort((a, b) => a - b);
  return {
    traces: TRACES,
    firstTraceMs: Number(firstTraceMs.toFixed(1)),
    p50Ms: Number(percentile(samples, 50).toFixed(3)),
    p99Ms: Number(percentile(samples, 99).toFixed(3)),
    maxMs: Number(samples[samples.length - 1].toFixed(3)),
    verdicts,
    gcPauses: {
      count: pauses.length,
      totalMs: Number(pauses.reduce((sum, pause) => sum + pause.end - pause.start, 0).toFixed(1)),
      maxMs: Number(Math.max(0, ...pauses.map((pause) => pause.end - pause.start)).toFixed(1)),
      tracesHit: spans.length - withoutGc.length,
    },
    p99WithoutGcMs: Number(percentile(withoutGc, 99).toFixed(3)),
    cpuP50Ms: Number(percentile(cpuSamples, 50).toFixed(3)),
    cpuP99Ms: Number(percentile(cpuSamples, 99).toFixed(3)),
    loadAverage: Number(loadavg()[0].toFixed(2)),
    targetP99Ms: 2,
  };
}

/** pod→pod TCP on 80 or 5432: on the source's node (calico) or anywhere (flannel). */
function podPairs(state: LabState, sameNode: boolean): Sample {
  const pods = [...state.pods.values()].filter((pod) => !pod.hostNetwork && pod.ip !== '');
  const keys = pods.map((pod) => `${pod.namespace}/${pod.name}`);
  const byNode = new Map<string, string[]>();
  for (const pod of pods) {
    const list = byNode.get(pod.node);
    if (list) list.push(`${pod.namespace}/${pod.name}`);
    else byNode.set(pod.node, [`${pod.namespace}/${pod.name}`]);
  }
  return (i, random) => {
    const from = keys[random() % keys.length];
    const neighbours = byNode.get(state.pods.get(from)!.node)!;
    const to = sameNode ? neighbours[random() % neighbours.length] : keys[random() % keys.length];
    return { from, to, port: i % 2 === 0 ? 80 : 5432, protocol: 'TCP' };
  };
}

/** pod→Service: a random pod to a random Service's ClusterIP port 8080 (DNAT to an endpoint's 80). */
function podToService(state: LabState): Sample {
  const keys = [...state.pods.values()].filter((pod) => !pod.hostNetwork && pod.ip !== '').map((pod) => `${pod.namespace}/${pod.name}`);
  const services = [...state.services.values()].filter((service) => service.name.startsWith('svc-')).map((service) => `${service.namespace}/${service.name}`);
  return (_i, random) => ({ from: keys[random() % keys.length], to: { service: services[random() % services.length] }, port: 8080, protocol: 'TCP' });
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { nodes: NODES, pods: PODS, namespaces: NAMESPACES, policies: POLICIES, services: SERVICES };
  for (const plugin of (process.env.BENCH_TRACER_PLUGINS?.split(',') ?? ['calico', 'flannel']) as ('calico' | 'flannel')[]) {
    const start = performance.now();
    const state = buildLab(plugin);
    result[`${plugin}BuildS`] = Number(((performance.now() - start) / 1000).toFixed(1));
    result[`${plugin}PodToPod${plugin === 'calico' ? 'SameNode' : 'CrossNode'}`] = await measure(state, podPairs(state, plugin === 'calico'));
    if (plugin === 'flannel') result.flannelPodToService = await measure(state, podToService(state));
  }
  return result;
}
