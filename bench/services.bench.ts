import { performance } from 'node:perf_hooks';
import { evolve, initialState } from '@hoplab/simulator';
import type { AppliedEvent, LabState } from '@hoplab/simulator';
import { clusterServices, controllerOccurrences, nodeIptablesSave, nodeTables, runNodeIptables, sharedServiceRules } from '@hoplab/simulator/node-iptables';
import { loadavg } from 'node:os';

/**
 * The lab-level path of kube-proxy at the scale limits (10,000 Services, 100,000 endpoints, 5,000
 * nodes): a lab state built from synthetic events, then a node's tables derived on demand, as a
 * user's reads and mutations pay for them. Targets (issue 5): one node's full ruleset <= 200 ms, a
 * partial sync after one endpoint change <= 5 ms. CPU figures are the ones to compare on a busy machine.
 */
const SERVICES = 10_000;
const ENDPOINTS_PER_SERVICE = 10;
const NODES = 5_000;
const NAMESPACES = 100;

const ipOf = (n: number) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const nodeName = (i: number) => `node${i}`;

function buildLab(): { state: LabState; seq: number } {
  const state = initialState();
  let seq = 0;
  const apply = (type: string, data: unknown, time = 0) => evolve(state, { seq: ++seq, time, type, data } as AppliedEvent);
  apply('LabCreated', { name: 'scale', cluster: { ...state.cluster, kubeProxy: { ...state.cluster.kubeProxy, version: '1.28+' }, podCIDR: '10.0.0.0/8', serviceCIDR: '172.16.0.0/12', nodeNetwork: '192.168.0.0/16', nodeCIDRMaskSize: 24 } });
  for (let i = 0; i < NODES; i++) {
    apply('NodeAdded', {
      name: nodeName(i), ip: ipOf(0xc0a80000 + i + 2), network: '192.168.0.0/16', podCIDR: `10.${i >> 8}.${i & 255}.0/24`, role: i === 0 ? 'control-plane' : 'worker',
      mac: '02:42:c0:a8:00:02', vtepMac: null, dockerMac: '02:42:00:00:00:01', ifIndex: { eth0: 3, eth0Peer: 5, docker0: 4, vtep: null },
    });
  }
  for (let n = 0; n < SERVICES * ENDPOINTS_PER_SERVICE; n++) {
    const s = Math.floor(n / ENDPOINTS_PER_SERVICE);
    const node = n % NODES;
    const namespace = `ns${s % NAMESPACES}`;
    const name = `pod${n}`;
    apply('PodCreated', { namespace, name, uid: `uid${n}`, labels: { app: `svc${s}` }, annotations: {}, node: nodeName(node), hostNetwork: false, containers: [{ name: 'c', image: 'nginx', ports: [] }] });
    const address = `10.${node >> 8}.${node & 255}.${2 + Math.floor(n / NODES)}`;
    apply('PodNetworkAttached', {
      namespace, name, node: nodeName(node), containerId: `c${n}`, address: `${address}/24`, gateway: `10.${node >> 8}.${node & 255}.1`, mac: '0a:58:0a:00:00:02',
      vethName: `veth${n}`, vethMac: '0a:58:0a:00:00:03', vethIndex: 10 + n, netnsId: n,
      netns: `/proc/${n}/ns/net`,
    });
  }
  for (let s = 0; s < SERVICES; s++) {
    const nodePort = s % 10 === 0 ? 30000 + (s % 2768) : null;
    apply('ServiceApplied', {
      namespace: `ns${s % NAMESPACES}`, name: `svc${s}`, uid: `svc-uid${s}`, labels: {}, type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP: ipOf(0xac100000 + s + 20),
      selector: { app: `svc${s}` }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort }],
      sessionAffinity: 'None', externalTrafficPolicy: nodePort ? 'Cluster' : null, internalTrafficPolicy: 'Cluster',
    });
  }
  return { state, seq };
}

function measure<T>(f: () => T): [T, { wallMs: number; cpuMs: number }] {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = f();
  const used = process.cpuUsage(cpu);
  return [result, { wallMs: +(performance.now() - start).toFixed(2), cpuMs: +((used.user + used.system) / 1000).toFixed(2) }];
}

type Figure = { wallMs: number; cpuMs: number };

/** Median, 95th percentile and max of each of wall and CPU time. */
function summary(figures: Figure[]): Record<string, number> {
  const pick = (key: keyof Figure) => {
    const sorted = figures.map((f) => f[key]).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { [`${key}Median`]: at(0.5), [`${key}P95`]: at(0.95), [`${key}Max`]: sorted[sorted.length - 1] };
  };
  return { samples: figures.length, ...pick('cpuMs'), ...pick('wallMs') };
}

const ENDPOINT_CHANGES = 30;

export async function run(): Promise<Record<string, unknown>> {
  const [{ state, seq }, buildLabMs] = measure(buildLab);
  const [services, deriveServices] = measure(() => clusterServices(state));
  const endpoints = [...services.endpoints.values()].reduce((sum, list) => sum + list.length, 0);
  const at = 60_000;
  // The kube-proxy rules every node shares (every Service's rules, sha256 chain names included),
  // built once per lab: by the first node's full sync, here on their own to show both parts.
  const [, sharedRulesBuild] = measure(() => sharedServiceRules(state));
  // One node's whole ruleset as a user's first read sees it: boot, kubelet's chains, kube-proxy's
  // first full sync (the shared rules copied, applied to fresh tables).
  const [first, firstNodeTables] = measure(() => nodeTables(state, 'node17', at));
  const natRules = [...first.nat.chains.values()].reduce((sum, chain) => sum + chain.rules.length, 0);
  const otherNodes: Figure[] = [];
  for (const node of ['node18', 'node19', 'node20', 'node21', 'node22']) otherNodes.push(measure(() => nodeTables(state, node, at))[1]);

  // What a user's endpoint change costs: the event (a pod deleted: the endpoint controller drops it)
  // and then kube-proxy's partial sync on a node, read 1 s later (minSyncPeriod). In large-cluster
  // mode the stale-chain cleanup runs at most once per syncPeriod, so some of these syncs include it.
  const evolveFigures: Figure[] = [];
  const partialFigures: Figure[] = [];
  for (let i = 0; i < ENDPOINT_CHANGES; i++) {
    const n = 70 + i * 1_009;
    const victim = state.pods.get(`ns${Math.floor(n / ENDPOINTS_PER_SERVICE) % NAMESPACES}/pod${n}`)!;
    const time = at + i * 2_000;
    evolveFigures.push(measure(() => evolve(state, { seq: seq + 1 + i, time, type: 'PodDeleted', data: { namespace: victim.namespace, name: victim.name } }))[1]);
    partialFigures.push(measure(() => nodeTables(state, 'node17', time + 1_000))[1]);
  }
  const readAt = at + ENDPOINT_CHANGES * 2_000;
  const [save, iptablesSave] = measure(() => nodeIptablesSave(state, 'node17', { time: readAt }));
  const [, iptablesSaveAgain] = measure(() => nodeIptablesSave(state, 'node17', { time: readAt + 1 }));
  const [, iptablesNatList] = measure(() => runNodeIptables(state, 'node17', ['-t', 'nat', '-vnL'], readAt + 2));

  const [occurrences, timelineFirstMinute] = measure(() => controllerOccurrences(state, 0, 60_000));

  return {
    services: state.services.size,
    endpoints,
    nodes: state.nodes.size,
    natChains: first.nat.chains.size,
    natRules,
    iptablesSaveLines: save.split('\n').length,
    iptablesSaveBytes: save.length,
    loadAverage: loadavg().map((n) => +n.toFixed(2)),
    buildLabFromEventsMs: buildLabMs.wallMs,
    deriveServicesAndEndpoints: deriveServices,
    sharedRulesBuild,
    fullBuildFirstNode: firstNodeTables,
    fullBuildOtherNodes: summary(otherNodes),
    endpointChangeEvent: summary(evolveFigures),
    partialSyncAfterEndpointChange: summary(partialFigures),
    iptablesSave,
    iptablesSaveAgain,
    iptablesNatVnL: iptablesNatList,
    timelineOccurrences: occurrences.length,
    timelineFirstMinute,
  };
}
