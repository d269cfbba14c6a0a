import type { LabState, NodeState, PodState } from '../cluster/types';
import type { FdbEntry, NetInterface, NetNamespace, Neighbour, Route } from './types';
import { bridgeName, docker0Network, FLANNEL_VNI, FLANNEL_VXLAN_PORT, podMtu, podRouteDestinations, usesVxlan } from '../cni/network-config';
import { isRoutedPlugin } from '../cni/plugins';
import { hostVeth } from './host-veth';
import { podEth0 } from './pod-eth0';
import { routedNodeFdb, routedNodeInterfaces, routedNodeNeighbours, routedNodeRoutes, routedPodInterfaces, routedPodRoutes } from '../cni/routed-netns';
import { SimulatorError } from '../model/errors';
import { podKey } from '../model/state';
import { broadcastOf, cidrContains, formatIp, parseCidr, parseIp, type Cidr } from '../net/ipv4';

/**
 * What `ip`, `route`, `arp` and `bridge` see in a node's root netns and in a pod's netns, derived
 * from the state on demand (a 5,000-node cluster is never materialised as 25 million routes).
 */
const ETHER_FLAGS = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'];

export function nodeNetNamespace(state: LabState, nodeName: string): NetNamespace {
  const node = requireNode(state, nodeName);
  return { interfaces: nodeInterfaces(state, node), routes: nodeRoutes(state, node), neighbours: nodeNeighbours(state, node), fdb: nodeFdb(state, node) };
}

export function podNetNamespace(state: LabState, namespace: string, name: string): NetNamespace {
  const pod = state.pods.get(podKey(namespace, name));
  if (!pod) throw new SimulatorError('not-found', `pods "${name}" not found`, 'name');
  if (pod.hostNetwork) return nodeNetNamespace(state, pod.node);
  return { interfaces: podInterfaces(state, pod), routes: podRoutes(state, pod), neighbours: [], fdb: [] };
}

function requireNode(state: LabState, name: string): NodeState {
  const node = state.nodes.get(name);
  if (!node) throw new SimulatorError('not-found', `nodes "${name}" not found`, 'name');
  return node;
}

function loopback(): NetInterface {
  return {
    index: 1,
    name: 'lo',
    kind: 'loopback',
    mac: '00:00:00:00:00:00',
    mtu: 65536,
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    qdisc: 'noqueue',
    state: 'UNKNOWN',
    qlen: 1000,
    addresses: [{ cidr: '127.0.0.1/8', scope: 'host', label: 'lo' }],
  };
}

function nodePods(state: LabState, node: NodeState): PodState[] {
  const pods: PodState[] = [];
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod && !pod.hostNetwork && pod.vethIndex !== undefined) pods.push(pod);
  }
  return pods;
}

function nodeInterfaces(state: LabState, node: NodeState): NetInterface[] {
  const segment = parseCidr(node.network)!;
  const interfaces: NetInterface[] = [
    loopback(),
    {
      index: node.ifIndex.eth0,
      name: 'eth0',
      kind: 'veth',
      mac: node.mac,
      mtu: state.cluster.mtu,
      flags: ETHER_FLAGS,
      qdisc: 'noqueue',
      state: 'UP',
      qlen: 1000,
      peerIndex: node.ifIndex.eth0Peer,
      linkNetnsId: 0,
      addresses: [{ cidr: `${node.ip}/${segment.prefix}`, broadcast: formatIp(broadcastOf(segment)), scope: 'global', label: 'eth0' }],
    },
    {
      index: node.ifIndex.docker0,
      name: 'docker0',
      kind: 'bridge',
      mac: node.dockerMac,
      mtu: 1500,
      flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
      qdisc: 'noqueue',
      state: 'DOWN',
      addresses: [{ cidr: docker0Network(state).cidr, broadcast: docker0Network(state).broadcast, scope: 'global', label: 'docker0' }],
    },
  ];
  if (node.ifIndex.vtep !== null && node.vtepMac) {
    interfaces.push({
      index: node.ifIndex.vtep,
      name: `flannel.${FLANNEL_VNI}`,
      kind: 'vxlan',
      mac: node.vtepMac,
      mtu: podMtu(state),
      flags: ETHER_FLAGS,
      qdisc: 'noqueue',
      state: 'UNKNOWN',
      // flanneld creates the device through netlink with a zero TxQLen: `ip` prints no qlen (the seed).
      addresses: [{ cidr: `${formatIp(parseCidr(node.podCIDR)!.network)}/32`, scope: 'global', label: `flannel.${FLANNEL_VNI}` }],
      vxlan: { id: FLANNEL_VNI, local: node.ip, dev: 'eth0', port: FLANNEL_VXLAN_PORT, learning: false, ageing: 300 },
    });
  }
  const pods = nodePods(state, node);
  if (isRoutedPlugin(state.cluster.cni.plugin)) return [...interfaces, ...routedNodeInterfaces(state, node, pods)].sort((a, b) => a.index - b.index);
  if (node.bridge) {
    const range = parseCidr(node.podCIDR)!;
    const hasPorts = pods.length > 0;
    interfaces.push({
      index: node.bridge.index,
      name: node.bridge.name,
      kind: 'bridge',
      mac: node.bridge.mac,
      mtu: podMtu(state),
      flags: hasPorts ? ETHER_FLAGS : ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
      qdisc: 'noqueue',
      state: hasPorts ? 'UP' : 'DOWN',
      qlen: 1000,
      addresses: [{ cidr: `${formatIp(range.network + 1)}/${range.prefix}`, broadcast: formatIp(broadcastOf(range)), scope: 'global', label: node.bridge.name }],
    });
  }
  // Both conflists set hairpinMode: true (flannel's delegate, HopLab's bridge config).
  for (const pod of pods) interfaces.push(hostVeth(state, pod, 2, node.bridge?.name ?? bridgeName(state)));
  return interfaces.sort((a, b) => a.index - b.index);
}

/** ip route prints the main table in FIB trie order: by destination address, then longer prefix first. */
function sortRoutes(routes: Route[]): Route[] {
  const key = (route: Route) => {
    if (route.dst === 'default') return [0, 0];
    const [ip, prefix] = route.dst.split('/');
    return [parseIp(ip)!, prefix === undefined ? 32 : Number(prefix)];
  };
  return routes
    .map((route) => ({ route, k: key(route) }))
    .sort((a, b) => a.k[0] - b.k[0] || b.k[1] - a.k[1])
    .map((entry) => entry.route);
}

/** Default gateway of a node: a router on its segment if the lab has one, else the segment's .1 (minikube's docker bridge). */
export function nodeDefaultGateway(state: LabState, node: NodeState): string | undefined {
  const segment = parseCidr(node.network)!;
  for (const router of state.routers.values()) {
    for (const iface of router.interfaces) if (cidrContains(segment, parseIp(iface.ip)!)) return iface.ip;
  }
  const first = formatIp(segment.network + 1);
  return first === node.ip || [...state.nodes.values()].some((other) => other.ip === first) ? undefined : first;
}

function nodeRoutes(state: LabState, node: NodeState): Route[] {
  const routes: Route[] = [];
  const gateway = nodeDefaultGateway(state, node);
  const dhcp = state.cluster.node?.dhcp === true;
  if (gateway && dhcp) {
    // What a cloud VM's DHCP client installs: the default route and a host route to the gateway, metric 100.
    routes.push({ dst: 'default', via: gateway, dev: 'eth0', proto: 'dhcp', src: node.ip, metric: 100 });
    routes.push({ dst: `${gateway}/32`, dev: 'eth0', proto: 'dhcp', scope: 'link', src: node.ip, metric: 100 });
  } else if (gateway) routes.push({ dst: 'default', via: gateway, dev: 'eth0' });
  const docker0 = docker0Network(state);
  routes.push({ dst: docker0.network, dev: 'docker0', proto: 'kernel', scope: 'link', src: docker0.address, linkdown: true });
  routes.push({ dst: node.network, dev: 'eth0', proto: 'kernel', scope: 'link', src: node.ip });
  if (node.bridge) {
    const range = parseCidr(node.podCIDR)!;
    routes.push({
      dst: node.podCIDR,
      dev: node.bridge.name,
      proto: 'kernel',
      scope: 'link',
      src: formatIp(range.network + 1),
      ...(nodePods(state, node).length === 0 ? { linkdown: true } : {}),
    });
  }
  const plugin = state.cluster.cni;
  if (isRoutedPlugin(plugin.plugin)) {
    routes.push(...routedNodeRoutes(state, node, nodePods(state, node)));
  } else if (plugin.plugin === 'flannel') {
    for (const other of state.nodes.values()) {
      if (other === node) continue;
      if (usesVxlan(state)) {
        routes.push({ dst: other.podCIDR, via: formatIp(parseCidr(other.podCIDR)!.network), dev: `flannel.${FLANNEL_VNI}`, onlink: true });
      } else {
        routes.push({ dst: other.podCIDR, via: other.ip, dev: 'eth0' });
      }
    }
  } else if (!dhcp) {
    routes.push(...routerRoutes(state, node));
  }
  return sortRoutes(routes);
}

/**
 * The bridge plugin has no overlay: pod networks of other nodes are reached through the lab's routers.
 * `segment` is the node's parsed network, for callers that already have it.
 */
export function routerRoutes(state: LabState, node: NodeState, segment: Cidr = parseCidr(node.network)!): Route[] {
  const routes: Route[] = [];
  const seen = new Set<string>([node.podCIDR]);
  for (const router of state.routers.values()) {
    const local = router.interfaces.find((iface) => cidrContains(segment, parseIp(iface.ip)!));
    if (!local) continue;
    for (const route of router.routes) {
      if (seen.has(route.dst) || route.via === node.ip || cidrContains(segment, parseIp(route.dst.split('/')[0])!)) continue;
      seen.add(route.dst);
      routes.push({ dst: route.dst, via: local.ip, dev: 'eth0' });
    }
  }
  return routes;
}

function nodeNeighbours(state: LabState, node: NodeState): Neighbour[] {
  if (isRoutedPlugin(state.cluster.cni.plugin)) return routedNodeNeighbours(state, node);
  if (!usesVxlan(state)) return [];
  const neighbours: Neighbour[] = [];
  for (const other of state.nodes.values()) {
    if (other === node || !other.vtepMac) continue;
    neighbours.push({ ip: formatIp(parseCidr(other.podCIDR)!.network), dev: `flannel.${FLANNEL_VNI}`, mac: other.vtepMac, state: 'PERMANENT' });
  }
  return neighbours;
}

/** `bridge fdb show`: multicast entries of each device, flannel's static VTEP entries, the bridge ports. */
function nodeFdb(state: LabState, node: NodeState): FdbEntry[] {
  const self = (mac: string, dev: string): FdbEntry => ({ mac, dev, self: true, state: 'permanent' });
  const fdb: FdbEntry[] = [self('33:33:00:00:00:01', 'eth0'), self('01:00:5e:00:00:01', 'eth0'), self(solicitedNode(node.mac), 'eth0')];
  if (usesVxlan(state)) {
    for (const other of state.nodes.values()) {
      if (other === node || !other.vtepMac) continue;
      fdb.push({ mac: other.vtepMac, dev: `flannel.${FLANNEL_VNI}`, dst: other.ip, self: true, state: 'permanent' });
    }
  }
  if (isRoutedPlugin(state.cluster.cni.plugin)) fdb.push(...routedNodeFdb(state, node, nodePods(state, node)));
  if (node.bridge) {
    const br = node.bridge.name;
    fdb.push(self('33:33:00:00:00:01', br), self('01:00:5e:00:00:6a', br), self('33:33:00:00:00:6a', br), self('01:00:5e:00:00:01', br), self(solicitedNode(node.bridge.mac), br));
    for (const pod of nodePods(state, node)) {
      const veth = pod.vethName!;
      fdb.push(
        { mac: pod.mac!, dev: veth, master: br, state: '' },
        { mac: pod.vethMac!, dev: veth, master: br, state: 'permanent' },
        self('33:33:00:00:00:01', veth),
        self('01:00:5e:00:00:01', veth),
        self(solicitedNode(pod.vethMac!), veth),
      );
    }
  }
  return fdb;
}

/** IPv6 solicited-node multicast MAC of the interface's link-local address (EUI-64 from its MAC). */
function solicitedNode(mac: string): string {
  return `33:33:ff:${mac.slice(9)}`;
}

function podInterfaces(state: LabState, pod: PodState): NetInterface[] {
  if (isRoutedPlugin(state.cluster.cni.plugin)) return [loopback(), ...routedPodInterfaces(state, pod)];
  return [loopback(), podEth0(state, pod, 2, true)];
}

/** The pod's routing table (`ip route` in the pod). */
export function podRoutes(state: LabState, pod: PodState): Route[] {
  if (!pod.ip) return [];
  if (isRoutedPlugin(state.cluster.cni.plugin)) return sortRoutes(routedPodRoutes(state, pod));
  const range = parseCidr(`${pod.ip}/${pod.prefixLength}`, false)!;
  const routes: Route[] = podRouteDestinations(state).map((dst) => ({ dst: dst === '0.0.0.0/0' ? 'default' : dst, via: pod.gateway, dev: 'eth0' }));
  routes.push({ dst: `${formatIp(range.network)}/${range.prefix}`, dev: 'eth0', proto: 'kernel', scope: 'link', src: pod.ip });
  return sortRoutes(routes);
}
