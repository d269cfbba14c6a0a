// The tracer at the Kubernetes limits (issue 7): 5,000 nodes, 150,000 pods in 10,000 namespaces,
// 10,000 Services of 15 endpoints each (pods labelled svc=s-<i mod 10,000>) and 5,000
// NetworkPolicies, built per plugin (flannel VXLAN, calico IPIP, cilium VXLAN). Figures per plugin:
// latency of one TCP trace (with its SYN-ACK back) from a random pod to a random pod on another
// node, and from a random pod to a random Service's ClusterIP (kube-proxy's DNAT on the source
// node, then across the overlay). Each figure: a warm-up of WARMUP traces (the per-version indexes
// are built by the first one, reported apart), then TRACES traces of fresh random pairs; p50/p99/max
// wall time, the collector's pauses during the traces (count, total, share of the measured time,
// traces they hit) and CPU time per trace. Run directly it prints the JSON result on stdout.
import { loadavg } from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { applyCommand, initialState, trace, type LabState } from '@hoplab/simulator';

/** BENCH_TRACER_SCALE=0.1 builds a tenth of the lab, for a quick look; the target is for the full size. */
const SCALE = Number(process.env.BENCH_TRACER_SCALE ?? 1);
const NODES = Math.round(5_000 * SCALE);
const PODS = Math.round(150_000 * SCALE);
const NAMESPACES = Math.round(10_000 * SCALE);
const POLICIES = Math.round(5_000 * SCALE);
const SERVICES = Math.round(10_000 * SCALE);
const WARMUP = 500;
const TRACES = Number(process.env.BENCH_TRACER_TRACES ?? 10_000);
const TARGET_P99_MS = 2;

type Plugin = 'flannel' | 'calico' | 'cilium';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

export function buildLab(plugin: Plugin): LabState {
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
  for (let s = 0; s < SERVICES; s++) {
    apply({ type: 'applyService', service: { namespace: `ns-${s % NAMESPACES}`, name: `svc-${s}`, selector: { svc: `s-${s}` }, ports: [{ port: 8080, targetPort: 80 }] } });
  }
  return state;
}

type Request = Parameters<typeof trace>[1];
type Sample = (random: () => number) => Request;

/** A seeded LCG: every run draws the same pairs. */
function lcg(seed: number): () => number {
  let value = seed;
  return () => (value = (Math.imul(value, 1103515245) + 12345) >>> 0);
}

function newSpaceUsed(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_used_size;
  return 0;
}

/**
 * Bytes one trace allocates (a machine-independent figure: the collector runs once per ~16 MB of
 * young allocation): the growth of the young generation across a trace, less what reading it
 * allocates; samples during which a collection ran (it shrinks) are left out.
 */
function allocationPerTrace(state: LabState, requests: readonly Request[]): { meanKB: number; p50KB: number } {
  const overheads: number[] = [];
  const samples: number[] = [];
  for (const request of requests) {
    const before = newSpaceUsed();
    const idle = newSpaceUsed();
    trace(state, request);
    const after = newSpaceUsed();
    if (idle >= before) overheads.push(idle - before);
    if (after >= idle) samples.push(after - idle);
  }
  overheads.sort((a, b) => a - b);
  const overhead = overheads.length > 0 ? percentile(overheads, 50) : 0;
  const bytes = samples.map((sample) => Math.max(0, sample - overhead)).sort((a, b) => a - b);
  return { meanKB: round(bytes.reduce((sum, value) => sum + value, 0) / bytes.length / 1024, 1), p50KB: round(percentile(bytes, 50) / 1024, 1) };
}

export async function measure(state: LabState, sample: Sample, traces = TRACES, warmup = WARMUP): Promise<Record<string, unknown>> {
  const warm = lcg(11);
  let start = performance.now();
  trace(state, sample(warm));
  const firstTraceMs = performance.now() - start;
  for (let i = 1; i < warmup; i++) trace(state, sample(warm));
  const random = lcg(7);
  const requests = Array.from({ length: traces }, () => sample(random));
  const samples = new Float64Array(traces);
  // CPU time of the process per trace: on a shared machine wall time also counts the time other processes held the
  // cores. It counts every thread of the process too (the collector's helpers, the optimising compiler).
  const cpuSamples = new Float64Array(traces);
  const spanStarts = new Float64Array(traces);
  const verdicts: Record<string, number> = {};
  const pauses: { start: number; end: number; kind: number }[] = [];
  const record = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration, kind: (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0 });
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const loopStart = performance.now();
  for (let i = 0; i < traces; i++) {
    const cpu = process.cpuUsage();
    start = performance.now();
    const result = trace(state, requests[i]);
    const end = performance.now();
    const used = process.cpuUsage(cpu);
    samples[i] = end - start;
    spanStarts[i] = start;
    cpuSamples[i] = (used.user + used.system) / 1000;
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1;
  }
  const loopMs = performance.now() - loopStart;
  await new Promise((resolve) => setImmediate(resolve));
  record(observer.takeRecords());
  observer.disconnect();
  const inLoop = pauses.filter((pause) => pause.end > loopStart && pause.start < loopStart + loopMs);
  const withoutGc: number[] = [];
  let hit = 0;
  for (let i = 0; i < traces; i++) {
    const from = spanStarts[i];
    const to = from + samples[i];
    if (inLoop.some((pause) => pause.start < to && pause.end > from)) hit++;
    else withoutGc.push(samples[i]);
  }
  const gcMs = inLoop.reduce((sum, pause) => sum + pause.end - pause.start, 0);
  const sorted = [...samples].sort((a, b) => a - b);
  const cpuSorted = [...cpuSamples].sort((a, b) => a - b);
  withoutGc.sort((a, b) => a - b);
  // perf_hooks GC kinds: 1 minor (scavenge), 2 major (mark-compact), 4 incremental marking, 8 weak callbacks.
  const minor = inLoop.filter((pause) => pause.kind === 1);
  const allocationSeed = lcg(13);
  const allocated = allocationPerTrace(state, Array.from({ length: Math.min(traces, 2_000) }, () => sample(allocationSeed)));
  return {
    traces,
    warmupTraces: warmup,
    firstTraceMs: round(firstTraceMs, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1]),
    meanMs: round(loopMs / traces),
    verdicts,
    gc: {
      pauses: inLoop.length,
      scavenges: minor.length,
      totalMs: round(gcMs, 1),
      maxMs: round(Math.max(0, ...inLoop.map((pause) => pause.end - pause.start)), 2),
      share: round(gcMs / loopMs, 3),
      tracesHit: hit,
      tracesPerScavenge: minor.length > 0 ? Math.round(traces / minor.length) : traces,
    },
    allocatedKBPerTrace: allocated,
    p99WithoutGcMs: round(percentile(withoutGc, 99)),
    cpuP50Ms: round(percentile(cpuSorted, 50)),
    cpuP99Ms: round(percentile(cpuSorted, 99)),
    loadAverage: round(loadavg()[0], 2),
    targetP99Ms: TARGET_P99_MS,
  };
}

interface Population {
  keys: string[];
  nodeOf: string[];
  services: string[];
}

function population(state: LabState): Population {
  const pods = [...state.pods.values()].filter((pod) => !pod.hostNetwork && pod.ip !== '');
  return {
    keys: pods.map((pod) => `${pod.namespace}/${pod.name}`),
    nodeOf: pods.map((pod) => pod.node),
    services: [...state.services.values()].filter((service) => service.name.startsWith('svc-')).map((service) => `${service.namespace}/${service.name}`),
  };
}

/** pod→pod TCP on 80 or 5432 between two random pods on different nodes. */
function podToPod({ keys, nodeOf }: Population): Sample {
  return (random) => {
    const from = random() % keys.length;
    let to = random() % keys.length;
    while (nodeOf[to] === nodeOf[from]) to = random() % keys.length;
    return { from: keys[from], to: keys[to], port: random() % 2 === 0 ? 80 : 5432, protocol: 'TCP' };
  };
}

/** pod→Service: a random pod to a random Service's ClusterIP port 8080 (DNAT to an endpoint's 80). */
function podToService({ keys, services }: Population): Sample {
  return (random) => ({ from: keys[random() % keys.length], to: { service: services[random() % services.length] }, port: 8080, protocol: 'TCP' });
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { nodes: NODES, pods: PODS, namespaces: NAMESPACES, policies: POLICIES, services: SERVICES };
  const plugins = (process.env.BENCH_TRACER_PLUGINS?.split(',') ?? ['flannel', 'calico', 'cilium']) as Plugin[];
  for (const plugin of plugins) {
    const start = performance.now();
    const state = buildLab(plugin);
    const people = population(state);
    result[plugin] = {
      buildS: round((performance.now() - start) / 1000, 1),
      podToPodCrossNode: await measure(state, podToPod(people)),
      podToService: await measure(state, podToService(people)),
    };
  }
  return result;
}

if (require.main === module) {
  run().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
