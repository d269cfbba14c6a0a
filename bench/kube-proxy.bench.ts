import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createNetfilter, renderIptablesSave } from '@hoplab/simulator/iptables';
import { applyWrites, KubeProxyRuleBuilder, restoreText } from '@hoplab/simulator/kube-proxy';
import type { EndpointInput, ServiceInput } from '@hoplab/simulator/kube-proxy';

const SERVICES = 10_000;
const ENDPOINTS = 100_000;
const NODES = 5_000;

const ip = (base: number, n: number) => `${base >>> 24}.${((base >>> 16) + (n >>> 16)) & 255}.${(n >>> 8) & 255}.${n & 255}`;

function cluster() {
  const services: ServiceInput[] = [];
  const endpoints = new Map<string, EndpointInput[]>();
  for (let s = 0; s < SERVICES; s++) {
    const nodePort = s % 10 === 0 ? 30000 + (s % 2768) : undefined;
    services.push({
      namespace: `ns${s % 100}`, name: `svc${s}`, type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP: ip(0x0a600000, s + 1),
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort }],
    });
    const list: EndpointInput[] = [];
    for (let e = 0; e < ENDPOINTS / SERVICES; e++) {
      const n = s * (ENDPOINTS / SERVICES) + e;
      list.push({ ip: ip(0x0af40000, n + 2), port: 8080, nodeName: `node${n % NODES}`, ready: true, serving: true, terminating: false });
    }
    endpoints.set(`ns${s % 100}/svc${s}:http`, list);
  }
  return { services, endpoints };
}

/** Wall ms; the CPU ms of every call so far are kept in `cpu` under the same label. */
const cpu: Record<string, number> = {};
const timed = <T>(label: string, f: () => T): [T, number] => {
  const used = process.cpuUsage();
  const start = performance.now();
  const result = f();
  const wall = +(performance.now() - start).toFixed(2);
  const spent = process.cpuUsage(used);
  cpu[label] = +((spent.user + spent.system) / 1000).toFixed(2);
  return [result, wall];
};

export async function run(): Promise<Record<string, unknown>> {
  const { services, endpoints } = cluster();
  const node = { name: 'node17', ip: '10.0.0.17' };
  const net = { podCIDR: '10.244.17.0/24', clusterCIDR: '10.244.0.0/16' };

  // The first node computes every chain name (sha256), every top-level rule and one lazy chain per
  // SVC/SEP chain (their rules are made on first read: makeLazyRules below); the others reuse them
  // for the same Service objects and endpoint lists (kept per Service), as the nodes of a lab do.
  const [, coldFullMs] = timed('fullBuildFirstNode', () => new KubeProxyRuleBuilder(node, net, '1.28+').fullSync({ services, endpoints }));
  const builder = new KubeProxyRuleBuilder({ name: 'node18', ip: '10.0.0.18' }, net, '1.28+');
  const [full, fullBuildMs] = timed('fullBuildOtherNode', () => builder.fullSync({ services, endpoints }));

  const partialTimes: number[] = [];
  let partial = full;
  const partialCpu = process.cpuUsage();
  for (let i = 0; i < 20; i++) {
    const service = services[(i * 7919) % SERVICES];
    const key = `${service.namespace}/${service.name}`;
    const list = endpoints.get(`${key}:http`)!.map((e, j) => (j === 0 ? { ...e, ready: i % 2 === 0 } : e));
    const [output, ms] = timed('partialSync', () => builder.partialSync([{ key, service, endpoints: new Map([[`${key}:http`, list]]) }]));
    partial = output;
    partialTimes.push(ms);
  }
  const partialCpuUsed = process.cpuUsage(partialCpu);
  partialTimes.sort((a, b) => a - b);

  const netfilter = createNetfilter();
  const [restored, restoreMs] = timed('applyFullRestoreToModel', () => applyWrites(netfilter, full));
  if (!restored.ok) throw new Error(restored.stderr);
  // SVC/SEP chains make their rules when first read: the work the build no longer does, paid once
  // (for every node) by the first full read, here before rendering so the render figures stay comparable.
  const [natRulesRead, makeLazyRulesMs] = timed('makeLazyRules', () => full.writes[1].chains.reduce((sum, chain) => sum + chain.rules.length, 0));
  const [saved, saveMs] = timed('iptablesSaveRender', () => renderIptablesSave(netfilter, 'Thu Jan  1 00:00:00 1970'));
  const [, saveAgainMs] = timed('iptablesSaveRenderAgain', () => renderIptablesSave(netfilter, 'Thu Jan  1 00:00:00 1970'));
  const [, partialRestoreMs] = timed('applyPartialRestoreToModel', () => applyWrites(netfilter, partial));
  const fullText = restoreText(full);

  return {
    services: SERVICES,
    endpoints: ENDPOINTS,
    nodes: NODES,
    natChains: full.natChains,
    natRules: full.natRules,
    restoreBytes: fullText.length,
    fullBuildFirstNodeMs: coldFullMs,
    fullBuildOtherNodeMs: fullBuildMs,
    partialSyncMedianMs: partialTimes[10],
    partialSyncMaxMs: partialTimes[partialTimes.length - 1],
    /** CPU time per partial sync (the wall figures suffer on a shared machine). */
    partialSyncMeanCpuMs: +((partialCpuUsed.user + partialCpuUsed.system) / 1000 / 20).toFixed(2),
    partialRestoreLines: restoreText(partial).split('\n').length,
    applyFullRestoreToModelMs: restoreMs,
    makeLazyRulesMs,
    natRulesRead,
    applyPartialRestoreToModelMs: partialRestoreMs,
    iptablesSaveRenderMs: saveMs,
    iptablesSaveRenderAgainMs: saveAgainMs,
    cpuMs: cpu,
    loadAverage: loadavg().map((n) => +n.toFixed(2)),
    iptablesSaveLines: saved.split('\n').length,
  };
}
