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
const COLLAPSED_ROW_HEIGHT = 120;
const GROUP_MARGIN = 110;

/**
 * At classroom scale the drawing is grouped: nodes in groups of one row each (six) once the lab has more than
 * `groupNodesAbove` nodes, and each node's pods in one box once it has more than `collapsePodsAbove` pods. Groups
 * start collapsed; the user expands them (a click, a search hit, a trace passing through).
 */
export const SCALE = { groupNodesAbove: 12, nodesPerGroup: COLUMNS_PER_ROW, collapsePodsAbove: 100 };

export const ids = {
  node: (name: string) => `node:${name}`,
  device: (node: string, device: string) => `dev:${node}:${device}`,
  pod: (namespace: string, name: string) => `pod:${namespace}/${name}`,
  router: (name: string) => `router:${name}`,
  service: (namespace: string, name: string) => `svc:${namespace}/${name}`,
  nodeGroup: (index: number) => `group:${index}`,
  podGroup: (node: string) => `pods:${node}`,
  underlay: 'underlay',
};

/** How group labels count and invite a click, in the page's language. */
export interface GroupWords {
  count(n: number, noun: 'node' | 'pod'): string;
  expand: string;
}

const englishWords: GroupWords = { count: (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`, expand: 'click to expand' };

export interface TopologyLayout {
  elements: TopologyElement[];
  /** Hidden element id → the collapsed group drawn in its place. */
  hiddenIn: Map<string, string>;
  /** Hidden element id → the groups to expand to show it, outermost first. */
  containers: Map<string, string[]>;
  /** Every node and pod with its label, drawn or hidden: what search looks through. */
  searchable: { id: string; label: string }[];
}

/**
 * Nodes as boxes in columns (wrapping every six), each holding eth0, its plugin's devices and its pods on veths;
 * the underlay (the docker network, or the router) above them; Services to the right, linked to their endpoints.
 * At scale, node groups and pod groups that `expanded` does not name are drawn as one box each.
 */
export function topologyLayout(state: LabStateView, expanded: ReadonlySet<string> = new Set(), words: GroupWords = englishWords): TopologyLayout {
  const elements: TopologyElement[] = [];
  const hiddenIn = new Map<string, string>();
  const containers = new Map<string, string[]>();
  const searchable: TopologyLayout['searchable'] = [];
  const devices = pluginDevices(state.cluster.cni);
  const chain = ['eth0', ...devices];
  const routers = state.routers ?? [];
  const podsByNode = new Map<string, LabStateView['pods']>();
  for (const pod of state.pods) {
    const list = podsByNode.get(pod.node);
    if (list) list.push(pod);
    else podsByNode.set(pod.node, [pod]);
  }
  const grouped = state.nodes.length > SCALE.groupNodesAbove;
  const podsCollapsible = state.pods.length > SCALE.collapsePodsAbove;
  const podsShown = (node: string) => !podsCollapsible || expanded.has(ids.podGroup(node));
  const podRows = (node: string) => (podsShown(node) ? Math.ceil((podsByNode.get(node)?.length ?? 0) / 2) : 1);

  const underlayLabel = routers.length ? `${state.cluster.nodeNetwork}` : `docker network ${state.cluster.nodeNetwork}`;
  const center = (Math.min(state.nodes.length, COLUMNS_PER_ROW) - 1) * COLUMN_WIDTH * 0.5;
  elements.push({ group: 'nodes', data: { id: ids.underlay, label: underlayLabel, kind: 'underlay' }, position: { x: center, y: -160 } });
  routers.forEach((router, index) => {
    const label = `${router.name}\n${router.interfaces.map((i) => i.ip).join(', ')}`;
    elements.push({ group: 'nodes', data: { id: ids.router(router.name), label, kind: 'router' }, position: { x: center + 220 * (index + 1), y: -160 } });
    elements.push({ group: 'edges', data: { id: `e:${ids.router(router.name)}`, source: ids.router(router.name), target: ids.underlay, kind: 'wire' } });
  });

  // One row per group of six nodes: a collapsed group is a short row, an expanded one as tall as its most pods.
  const rows: LabStateView['nodes'][] = [];
  for (let start = 0; start < state.nodes.length; start += COLUMNS_PER_ROW) rows.push(state.nodes.slice(start, start + COLUMNS_PER_ROW));
  let y = 0;
  rows.forEach((row, rowIndex) => {
    const group = grouped ? ids.nodeGroup(rowIndex) : undefined;
    const podCount = row.reduce((sum, node) => sum + (podsByNode.get(node.name)?.length ?? 0), 0);
    if (group && !expanded.has(group)) {
      const label = `${row[0].name} … ${row.at(-1)!.name}\n${words.count(row.length, 'node')} · ${words.count(podCount, 'pod')} (${words.expand})`;
      elements.push({ group: 'nodes', data: { id: group, label, kind: 'node-group' }, position: { x: center, y } });
      elements.push({ group: 'edges', data: { id: `e:${group}:uplink`, source: ids.underlay, target: group, kind: 'wire' } });
      for (const node of row) {
        hide(ids.node(node.name), group, [group]);
        for (const device of chain) hide(ids.device(node.name, device), group, [group]);
        for (const pod of podsByNode.get(node.name) ?? []) hide(ids.pod(pod.namespace, pod.name), group, podsCollapsible ? [group, ids.podGroup(node.name)] : [group]);
        searchableNode(node);
      }
      y += COLLAPSED_ROW_HEIGHT;
      return;
    }
    // An open group's frame and title need room above its nodes' boxes.
    if (group) {
      elements.push({ group: 'nodes', data: { id: group, label: `${row[0].name} … ${row.at(-1)!.name}`, kind: 'node-group' } });
      y += GROUP_MARGIN;
    }
    row.forEach((node, column) => drawNode(node, column * COLUMN_WIDTH, y, group));
    y += 260 + POD_HEIGHT * Math.max(1, ...row.map((node) => podRows(node.name))) + (group ? GROUP_MARGIN : 0);
  });

  function hide(id: string, into: string, path: string[]): void {
    hiddenIn.set(id, into);
    containers.set(id, path);
  }

  function podLabel(pod: LabStateView['pods'][number]): string {
    const labels = shorten(Object.entries(pod.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(' '), LABELS_SHOWN);
    return `${pod.namespace}/${pod.name}\n${pod.ip || '-'}${labels ? `\n${labels}` : ''}`;
  }

  function searchableNode(node: LabStateView['nodes'][number]): void {
    searchable.push({ id: ids.node(node.name), label: `${node.name}\n${node.podCIDR}` }, { id: ids.device(node.name, 'eth0'), label: `eth0 ${node.ip}` });
    for (const pod of podsByNode.get(node.name) ?? []) searchable.push({ id: ids.pod(pod.namespace, pod.name), label: podLabel(pod) });
  }

  function drawNode(node: LabStateView['nodes'][number], x: number, top: number, group: string | undefined): void {
    const parent = ids.node(node.name);
    searchableNode(node);
    elements.push({ group: 'nodes', data: { id: parent, label: `${node.name}\n${node.podCIDR}`, kind: 'node', ...(group ? { parent: group } : {}) } });
    chain.forEach((device, depth) => {
      const label = device === 'eth0' ? `eth0 ${node.ip}` : device;
      elements.push({ group: 'nodes', data: { id: ids.device(node.name, device), label, parent, kind: 'device' }, position: { x, y: top + depth * 60 } });
    });
    elements.push({ group: 'edges', data: { id: `e:${node.name}:uplink`, source: ids.underlay, target: ids.device(node.name, 'eth0'), kind: 'wire' } });
    for (let depth = 1; depth < chain.length; depth++) {
      const source = ids.device(node.name, chain[depth - 1]);
      const target = ids.device(node.name, chain[depth]);
      elements.push({ group: 'edges', data: { id: `e:${source}->${target}`, source, target, kind: 'link' } });
    }
    const bridge = ids.device(node.name, chain[chain.length - 1]);
    const pods = podsByNode.get(node.name) ?? [];
    const podsTop = top + chain.length * 60 + 30;
    if (!podsShown(node.name)) {
      const id = ids.podGroup(node.name);
      const namespaces = new Map<string, number>();
      for (const pod of pods) namespaces.set(pod.namespace, (namespaces.get(pod.namespace) ?? 0) + 1);
      const summary = [...namespaces].map(([namespace, count]) => `${namespace} ${count}`).join(' · ');
      elements.push({ group: 'nodes', data: { id, label: `${words.count(pods.length, 'pod')} (${words.expand})\n${shorten(summary, 48)}`, parent, kind: 'pod-group' }, position: { x, y: podsTop } });
      elements.push({ group: 'edges', data: { id: `e:${id}:link`, source: bridge, target: id, kind: 'veth' } });
      for (const pod of pods) hide(ids.pod(pod.namespace, pod.name), id, [...(group ? [group] : []), id]);
      return;
    }
    pods.forEach((pod, podIndex) => {
      const id = ids.pod(pod.namespace, pod.name);
      elements.push({
        group: 'nodes',
        data: { id, label: podLabel(pod), parent, kind: 'pod' },
        position: { x: x - POD_SPREAD + (podIndex % 2) * 2 * POD_SPREAD, y: podsTop + Math.floor(podIndex / 2) * POD_HEIGHT },
      });
      // hostNetwork pods share the node's namespace: no veth, they sit on eth0.
      const hostNetwork = pod.ip === node.ip;
      const source = hostNetwork ? ids.device(node.name, 'eth0') : bridge;
      elements.push({ group: 'edges', data: { id: `e:${id}:link`, source, target: id, kind: hostNetwork ? 'host' : 'veth' } });
    });
  }

  const podByIp = new Map(state.pods.filter((pod) => pod.ip).map((pod) => [pod.ip, pod]));
  const nodeByIp = new Map(state.nodes.map((node) => [node.ip, node]));
  const right = Math.min(state.nodes.length, COLUMNS_PER_ROW) * COLUMN_WIDTH;
  state.services.forEach((service, index) => {
    const id = ids.service(service.namespace, service.name);
    elements.push({ group: 'nodes', data: { id, label: `svc ${service.namespace}/${service.name}\n${service.clusterIP}`, kind: 'service' }, position: { x: right, y: index * 70 } });
    const linked = new Set<string>();
    for (const endpoint of service.endpoints ?? []) {
      const ip = endpoint.split(':')[0];
      // A host-network endpoint (the API server on the node's address) is the node itself, not one of its pods.
      const node = nodeByIp.get(ip);
      const pod = podByIp.get(ip);
      const endpointId = node ? ids.device(node.name, 'eth0') : pod ? ids.pod(pod.namespace, pod.name) : undefined;
      if (!endpointId) continue;
      // Endpoints inside a collapsed group: one edge to the group.
      const target = hiddenIn.get(endpointId) ?? endpointId;
      if (linked.has(target)) continue;
      linked.add(target);
      elements.push({ group: 'edges', data: { id: target === endpointId ? `e:${id}->${endpoint}` : `e:${id}->${target}`, source: id, target, kind: 'endpoint' } });
    }
  });
  return { elements, hiddenIn, containers, searchable };
}

/** The elements drawn for the lab (see topologyLayout). */
export function topologyElements(state: LabStateView, expanded?: ReadonlySet<string>): TopologyElement[] {
  return topologyLayout(state, expanded).elements;
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
