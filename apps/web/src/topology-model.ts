import type { Hop, LabStateView } from './api';

/** One cytoscape element as plain data, so the layout can be tested without a browser. */
export interface TopologyElement {
  group: 'nodes' | 'edges';
  data: { id: string; label?: string; parent?: string; source?: string; target?: string; kind: string };
  position?: { x: number; y: number };
}

/**
 * The devices each CNI plugin creates on a node, from the uplink towards the pods; the last one is where pods hang
 * (calico has no bridge: its pods' cali* veths are routed in the root namespace).
 */
export function pluginDevices(cni: LabStateView['cluster']['cni']): string[] {
  const backend = cni.backend ?? '';
  switch (cni.plugin) {
    case 'flannel':
      return backend === 'host-gw' ? ['cni0'] : ['flannel.1', 'cni0'];
    case 'calico':
      return [...(backend === 'vxlan' ? ['vxlan.calico'] : backend === 'bgp' ? [] : ['tunl0']), 'cali*'];
    case 'weave':
      return backend === 'sleeve' ? ['weave'] : ['vxlan-6784', 'weave'];
    case 'cilium':
      return backend === 'native' ? ['cilium_host'] : ['cilium_vxlan', 'cilium_host'];
    default:
      return ['cni0'];
  }
}

const COLUMN_WIDTH = 400;
const POD_HEIGHT = 60;
const POD_SPREAD = 90;
const LABELS_SHOWN = 32;
const COLUMNS_PER_ROW = 6;

export const ids = {
  node: (name: string) => `node:${name}`,
  device: (node: string, device: string) => `dev:${node}:${device}`,
  pod: (namespace: string, name: string) => `pod:${namespace}/${name}`,
  router: (name: string) => `router:${name}`,
  service: (namespace: string, name: string) => `svc:${namespace}/${name}`,
  underlay: 'underlay',
};

/**
 * Nodes as boxes in columns (wrapping every six), each holding eth0, its plugin's devices and its pods on veths;
 * the underlay (the docker network, or the router) above them; Services to the right, linked to their endpoints.
 */
export function topologyElements(state: LabStateView): TopologyElement[] {
  const elements: TopologyElement[] = [];
  const devices = pluginDevices(state.cluster.cni);
  const routers = state.routers ?? [];
  const podsByNode = new Map<string, LabStateView['pods']>();
  for (const pod of state.pods) podsByNode.set(pod.node, [...(podsByNode.get(pod.node) ?? []), pod]);
  const rowHeight = 260 + POD_HEIGHT * Math.ceil(Math.max(1, ...[...podsByNode.values()].map((pods) => pods.length)) / 2);

  const underlayLabel = routers.length ? `${state.cluster.nodeNetwork}` : `docker network ${state.cluster.nodeNetwork}`;
  const center = (Math.min(state.nodes.length, COLUMNS_PER_ROW) - 1) * COLUMN_WIDTH * 0.5;
  elements.push({ group: 'nodes', data: { id: ids.underlay, label: underlayLabel, kind: 'underlay' }, position: { x: center, y: -160 } });
  routers.forEach((router, index) => {
    const label = `${router.name}\n${router.interfaces.map((i) => i.ip).join(', ')}`;
    elements.push({ group: 'nodes', data: { id: ids.router(router.name), label, kind: 'router' }, position: { x: center + 220 * (index + 1), y: -160 } });
    elements.push({ group: 'edges', data: { id: `e:${ids.router(router.name)}`, source: ids.router(router.name), target: ids.underlay, kind: 'wire' } });
  });

  state.nodes.forEach((node, index) => {
    const x = (index % COLUMNS_PER_ROW) * COLUMN_WIDTH;
    const y = Math.floor(index / COLUMNS_PER_ROW) * rowHeight;
    const parent = ids.node(node.name);
    elements.push({ group: 'nodes', data: { id: parent, label: `${node.name}\n${node.podCIDR}`, kind: 'node' } });
    const chain = ['eth0', ...devices];
    chain.forEach((device, depth) => {
      const label = device === 'eth0' ? `eth0 ${node.ip}` : device;
      elements.push({ group: 'nodes', data: { id: ids.device(node.name, device), label, parent, kind: 'device' }, position: { x, y: y + depth * 60 } });
    });
    elements.push({ group: 'edges', data: { id: `e:${node.name}:uplink`, source: ids.underlay, target: ids.device(node.name, 'eth0'), kind: 'wire' } });
    for (let depth = 1; depth < chain.length; depth++) {
      const source = ids.device(node.name, chain[depth - 1]);
      const target = ids.device(node.name, chain[depth]);
      elements.push({ group: 'edges', data: { id: `e:${source}->${target}`, source, target, kind: 'link' } });
    }
    const bridge = ids.device(node.name, chain[chain.length - 1]);
    (podsByNode.get(node.name) ?? []).forEach((pod, podIndex) => {
      const id = ids.pod(pod.namespace, pod.name);
      const labels = shorten(Object.entries(pod.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(' '), LABELS_SHOWN);
      elements.push({
        group: 'nodes',
        data: { id, label: `${pod.namespace}/${pod.name}\n${pod.ip || '-'}${labels ? `\n${labels}` : ''}`, parent, kind: 'pod' },
        position: { x: x - POD_SPREAD + (podIndex % 2) * 2 * POD_SPREAD, y: y + chain.length * 60 + 30 + Math.floor(podIndex / 2) * POD_HEIGHT },
      });
      // hostNetwork pods share the node's namespace: no veth, they sit on eth0.
      const hostNetwork = pod.ip === node.ip;
      const source = hostNetwork ? ids.device(node.name, 'eth0') : bridge;
      elements.push({ group: 'edges', data: { id: `e:${id}:link`, source, target: id, kind: hostNetwork ? 'host' : 'veth' } });
    });
  });

  const podByIp = new Map(state.pods.filter((pod) => pod.ip).map((pod) => [pod.ip, pod]));
  const right = Math.min(state.nodes.length, COLUMNS_PER_ROW) * COLUMN_WIDTH;
  state.services.forEach((service, index) => {
    const id = ids.service(service.namespace, service.name);
    elements.push({ group: 'nodes', data: { id, label: `svc ${service.namespace}/${service.name}\n${service.clusterIP}`, kind: 'service' }, position: { x: right, y: index * 70 } });
    for (const endpoint of service.endpoints ?? []) {
      const ip = endpoint.split(':')[0];
      // A host-network endpoint (the API server on the node's address) is the node itself, not one of its pods.
      const node = state.nodes.find((candidate) => candidate.ip === ip);
      const pod = podByIp.get(ip);
      const target = node ? ids.device(node.name, 'eth0') : pod ? ids.pod(pod.namespace, pod.name) : undefined;
      if (target) elements.push({ group: 'edges', data: { id: `e:${id}->${endpoint}`, source: id, target, kind: 'endpoint' } });
    }
  });
  return elements;
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** The element a hop happened at: the pod for pod namespaces, else the node's device, else the router or the node. */
export function hopElementId(hop: Hop, state: LabStateView): string {
  const pod = /^pod (.+)\/(.+)$/.exec(hop.netns ?? '');
  if (pod) return ids.pod(pod[1], pod[2]);
  const router = /^router (.+)$/.exec(hop.netns ?? '')?.[1] ?? hop.node;
  if ((state.routers ?? []).some((candidate) => candidate.name === router)) return ids.router(router);
  if (!state.nodes.some((node) => node.name === hop.node)) return ids.underlay;
  const devices = ['eth0', ...pluginDevices(state.cluster.cni)];
  // A veth or another device not drawn: the packet is at the bridge it hangs on.
  return ids.device(hop.node, devices.includes(hop.device) ? hop.device : devices[devices.length - 1]);
}
