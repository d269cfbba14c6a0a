import { performance } from 'node:perf_hooks';
import { evolve, initialState } from '@hoplab/simulator';
import type { AppliedEvent, LabState } from '@hoplab/simulator';
import { clusterServices, controllerOccurrences, nodeIptablesSave, nodeTables } from '@hoplab/simulator/node-iptables';

/**
 * The lab-level path of kube-proxy at the scale limits (10,000 Services, 100,000 endpoints, 5,000
 * nodes): a lab state built from synthetic events, then a node's tables derived on demand.
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
  return [result, { wallMs: +(performance.now() - start).toFixed(1), cpuMs: +((used.user + used.system) / 1000).toFixed(1) }];
}

export async function run(): Promise<Record<string, unknown>> {
  const [{ state, seq }, buildLabMs] = measure(buildLab);
  const [services, deriveServices] = measure(() => clusterServices(state));
  const endpoints = [...services.endpoints.values()].reduce((sum, list) => sum + list.length, 0);
  const at = 60_000;
  const [first, firstNodeTables] = measure(() => nodeTables(state, 'node17', at));
  const natRules = [...first.nat.chains.values()].reduce((sum, chain) => sum + chain.rules.length, 0);
  const [, otherNodeTables] = measure(() => nodeTables(state, 'node18', at));

  // One endpoint goes: its pod is deleted; kube-proxy 1.28+ syncs it 1s later as a partial sync. The
  // node's last run is extended: the Service and its endpoints derived again, one partial sync.
  const victim = state.pods.get('ns7/pod70')!;
  evolve(state, { seq: seq + 1, time: at, type: 'PodDeleted', data: { namespace: victim.namespace, name: victim.name } });
  const [, afterEndpointChange] = measure(() => nodeTables(state, 'node17', at + 1_000));
  // A second one 2s later: in large-cluster mode the stale-chain cleanup (a scan of every nat chain)
  // runs at most once per syncPeriod, so this partial sync skips it, as kube-proxy does.
  const second = state.pods.get('ns8/pod80')!;
  evolve(state, { seq: seq + 2, time: at + 2_000, type: 'PodDeleted', data: { namespace: second.namespace, name: second.name } });
  const [, afterSecondEndpointChange] = measure(() => nodeTables(state, 'node17', at + 3_000));
  const [save, iptablesSave] = measure(() => nodeIptablesSave(state, 'node17', { time: at + 3_000 }));
  const [, iptablesSaveAgain] = measure(() => nodeIptablesSave(state, 'node17', { time: at + 3_001 }));

  const [occurrences, timelineFirstMinute] = measure(() => controllerOccurrences(state, 0, 60_000));

  return {
    services: state.services.size,
    endpoints,
    nodes: state.nodes.size,
    natChains: first.nat.chains.size,
    natRules,
    iptablesSaveLines: save.split('\n').length,
    buildLabFromEventsMs: buildLabMs.wallMs,
    deriveServicesAndEndpoints: deriveServices,
    firstNodeTables,
    otherNodeTables,
    afterEndpointChange,
    afterSecondEndpointChange,
    iptablesSave,
    iptablesSaveAgain,
    timelineOccurrences: occurrences.length,
    timelineFirstMinute,
  };
}
