import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createNetfilter, renderIptablesSave } from '@hoplab/simulator/iptables';
import { applyWrites, KubeProxyRuleBuilder, restoreText, SharedServiceRules } from '@hoplab/simulator/kube-proxy';
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

/** Wall ms; the CPU ms of the last call are kept in `cpu` (and its wall ms in `wallOf`) under the same label. */
const cpu: Record<string, number> = {};
const wallOf: Record<string, number> = {};
const timed = <T>(label: string, f: () => T): [T, number] => {
  const used = process.cpuUsage();
  const start = performance.now();
  const result = f();
  const wall = +(performance.now() - start).toFixed(2);
  const spent = process.cpuUsage(used);
  cpu[label] = +((spent.user + spent.system) / 1000).toFixed(2);
  wallOf[label] = wall;
  return [result, wall];
};

export async function run(): Promise<Record<string, unknown>> {
  const { services, endpoints } = cluster();
  const node = { name: 'node17', ip: '10.0.0.17' };
  const net = { podCIDR: '10.244.17.0/24', clusterCIDR: '10.244.0.0/16' };

  // (i) What every node shares, built once per lab (in a lab: on the first node's full sync, then kept in step per Service change):
  // every chain name (sha256), every top-level rule, one lazy chain per SVC/SEP chain (their rules
  // are made on first read: makeLazyRules below), the KUBE-SERVICES order.
  const shared = new SharedServiceRules(net.clusterCIDR);
  timed('sharedBuild', () => shared.build({ services, endpoints }));
  // (ii) A node's full sync given the shared pieces: the first node in this process, then another.
  // The first also lists every service chain once for the shared pieces' version (for every node).
  const [, coldFullMs] = timed('fullBuildFirstNode', () => new KubeProxyRuleBuilder(node, net, '1.28+').fullSync({ services, endpoints }, undefined, shared));
  const builder = new KubeProxyRuleBuilder({ name: 'node18', ip: '10.0.0.18' }, net, '1.28+');
  const [full, fullBuildMs] = timed('fullBuildOtherNode', () => builder.fullSync({ services, endpoints }, undefined, shared));

  // One endpoint changes, as in a lab: the shared pieces take the change, then the node's partial sync.
  const partialTimes: number[] = [];
  const updateTimes: number[] = [];
  let partial = full;
  let updateCpuMs = 0;
  let partialCpuMs = 0;
  for (let i = 0; i < 20; i++) {
    const service = services[(i * 7919) % SERVICES];
    const key = `${service.namespace}/${service.name}`;
    const list = endpoints.get(`${key}:http`)!.map((e, j) => (j === 0 ? { ...e, ready: i % 2 === 0 } : e));
    endpoints.set(`${key}:http`, list);
    const change = { key, service, endpoints: new Map([[`${key}:http`, list]]) };
    const [, updateMs] = timed('sharedUpdate', () => shared.update({ services, endpoints }, [change]));
    updateTimes.push(updateMs);
    updateCpuMs += cpu.sharedUpdate;
    const [output, ms] = timed('partialSync', () => builder.partialSync([change]));
    partial = output;
    partialTimes.push(ms);
    partialCpuMs += cpu.partialSync;
  }
  partialTimes.sort((a, b) => a - b);
  updateTimes.sort((a, b) => a - b);

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
    /** (i) per lab: the shared pieces for every Service and endpoint (wall; CPU in cpuMs.sharedBuild), and per Service change. */
    sharedBuildMs: wallOf.sharedBuild,
    sharedBuildCpuUsPerEndpoint: +((cpu.sharedBuild * 1000) / ENDPOINTS).toFixed(2),
    sharedUpdateMedianMs: updateTimes[10],
    sharedUpdateMeanCpuMs: +(updateCpuMs / 20).toFixed(2),
    /** (ii) a node's full build given the shared pieces (the target's figure): the first in this process, then another. */
    fullBuildFirstNodeMs: coldFullMs,
    fullBuildOtherNodeMs: fullBuildMs,
    partialSyncMedianMs: partialTimes[10],
    partialSyncMaxMs: partialTimes[partialTimes.length - 1],
    /** CPU time per partial sync (the wall figures suffer on a shared machine). */
    partialSyncMeanCpuMs: +(partialCpuMs / 20).toFixed(2),
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
