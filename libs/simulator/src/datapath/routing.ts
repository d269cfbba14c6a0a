/**
 * Longest-prefix route lookups in the tables the lab derives (netns/derive.ts). A node's table
 * holds one route per other node (5,000 at the Kubernetes limits), so nodeRoute() finds the
 * matching route through an index of pod CIDRs instead of materialising the table; routing.spec
 * checks it against the derived table.
 */
import type { LabState, NodeState, PodState, RouterState } from '../cluster/types';
import { docker0Network, FLANNEL_VNI, usesVxlan } from '../cni/network-config';
import { podRoutes, routerRoutes } from '../netns/derive';
import type { Route } from '../netns/types';
import { isRoutedPlugin } from '../cni/plugins';
import { routedRouteCandidates } from '../cni/routed-netns';
import { calicoBlocks } from '../cni/routed-ipam';
import { cidrContains, formatIp, parseCidr, parseIp, prefixMask, type Cidr } from '../net/ipv4';

const DEFAULT_ROUTE: Cidr = { network: 0, prefix: 0 };

function routeCidr(route: Route): Cidr | undefined {
  if (route.dst === 'default') return DEFAULT_ROUTE;
  return parseCidr(route.dst.includes('/') ? route.dst : `${route.dst}/32`, false);
}

/** The most specific route of `routes` for `ip` (first one on a tie, as the table is ordered). */
export function longestPrefixMatch<R extends Route>(routes: readonly R[], ip: string): R | undefined {
  const address = parseIp(ip);
  return address === undefined ? undefined : bestRoute(routes, address)?.route;
}

function bestRoute<R extends Route>(routes: readonly R[], address: number): { route: R; prefix: number } | undefined {
  let best: R | undefined;
  let bestPrefix = -1;
  for (const route of routes) {
    const cidr = routeCidr(route);
    if (cidr && cidr.prefix > bestPrefix && cidrContains(cidr, address)) {
      best = route;
      bestPrefix = cidr.prefix;
    }
  }
  return best && { route: best, prefix: bestPrefix };
}

/** A node's eth0 segment and pod CIDR, parsed. */
interface NodeCidrs {
  segment: Cidr;
  own: Cidr;
}

interface PodCidrIndex {
  version: number;
  /** prefix length → network address → node. */
  byPrefix: Map<number, Map<number, NodeState>>;
  byIp: Map<string, NodeState>;
  /** Every node's parsed segment and podCIDR (built with the index: filled lazily, 5,000 entries would outlive many collections). */
  cidrs: Map<NodeState, NodeCidrs>;
  /** The nodes' L2 segments (eth0 networks). */
  segments: Set<string>;
  /** The default gateway per segment (what nodeDefaultGateway derives, unless the node holds it). */
  gateways: Map<string, string | undefined>;
  docker0: { network: string; address: string; cidr: Cidr };
}

const indexes = new WeakMap<LabState, PodCidrIndex>();

function indexOf(state: LabState): PodCidrIndex {
  let index = indexes.get(state);
  if (!index || index.version !== state.version) {
    let byPrefix = new Map<number, Map<number, NodeState>>();
    const byIp = new Map<string, NodeState>();
    const cidrs = new Map<NodeState, NodeCidrs>();
    for (const node of state.nodes.values()) {
      for (const range of podRanges(state, node)) {
        const cidr = parseCidr(range)!;
        let map = byPrefix.get(cidr.prefix);
        if (!map) byPrefix.set(cidr.prefix, (map = new Map()));
        map.set(cidr.network, node);
      }
      byIp.set(node.ip, node);
      cidrs.set(node, { segment: parseCidr(node.network)!, own: parseCidr(node.podCIDR)! });
    }
    // Most specific first: a weave peer's share sits inside the share of the peer that gave it.
    byPrefix = new Map([...byPrefix].sort(([a], [b]) => b - a));
    const segments = new Set([...state.nodes.values()].map((node) => node.network));
    const docker0 = docker0Network(state);
    const gateways = new Map([...segments].map((segment) => [segment, segmentGateway(state, segment, byIp)]));
    indexes.set(state, (index = { version: state.version, byPrefix, byIp, cidrs, segments, gateways, docker0: { network: docker0.network, address: docker0.address, cidr: parseCidr(docker0.network)! } }));
  }
  return index;
}

/** The ranges a node's pods take addresses from: calico's blocks, weave's share, else the node's podCIDR. */
function podRanges(state: LabState, node: NodeState): string[] {
  if (!isRoutedPlugin(state.cluster.cni.plugin) || !node.pluginNet) return [node.podCIDR];
  return state.cluster.cni.plugin === 'calico' ? calicoBlocks(node) : [node.pluginNet.podRange];
}

/** The L2 segments the lab's nodes sit on. */
export function nodeSegments(state: LabState): ReadonlySet<string> {
  return indexOf(state).segments;
}

/** The node with this eth0 address. */
export function nodeByIp(state: LabState, ip: string): NodeState | undefined {
  return indexOf(state).byIp.get(ip);
}

/** A router's interface on the segment, else the segment's first address unless a node holds it (minikube's docker bridge). */
function segmentGateway(state: LabState, network: string, byIp: ReadonlyMap<string, NodeState>): string | undefined {
  const segment = parseCidr(network)!;
  for (const router of state.routers.values()) {
    const iface = router.interfaces.find((candidate) => cidrContains(segment, parseIp(candidate.ip)!));
    if (iface) return iface.ip;
  }
  const first = formatIp(segment.network + 1);
  return byIp.has(first) ? undefined : first;
}

/** The node whose podCIDR contains `ip`, through an index rebuilt once per state version. */
export function nodeOwningPodAddress(state: LabState, ip: number): NodeState | undefined {
  const index = indexOf(state);
  for (const [prefix, map] of index.byPrefix) {
    const node = map.get((ip & prefixMask(prefix)) >>> 0);
    if (node) return node;
  }
  return undefined;
}

function hasAttachedPod(state: LabState, node: NodeState): boolean {
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod !== undefined && !pod.hostNetwork && pod.vethIndex !== undefined) return true;
  }
  return false;
}

type Candidate = 'bridge' | 'flannel' | 'plugin' | 'eth0' | 'docker0' | 'default' | 'gateway';

/**
 * The route nodeNetNamespace(state, node).routes would choose for `ip`, without building the
 * table: the kinds of route it holds are weighed in the table's order by prefix length (the first
 * on a tie), and only the winner is made into a Route.
 */
export function nodeRoute(state: LabState, node: NodeState, ip: string): Route | undefined {
  const address = parseIp(ip);
  if (address === undefined) return undefined;
  const index = indexOf(state);
  const { segment, own } = index.cidrs.get(node) ?? { segment: parseCidr(node.network)!, own: parseCidr(node.podCIDR)! };
  const plugin = state.cluster.cni.plugin;
  const dhcp = state.cluster.node?.dhcp === true;
  let best: Candidate | undefined;
  let bestPrefix = -1;
  let pluginRoute: Route | undefined;
  const weigh = (candidate: Candidate, prefix: number) => {
    if (prefix > bestPrefix) {
      best = candidate;
      bestPrefix = prefix;
    }
  };
  if (node.bridge && cidrContains(own, address)) weigh('bridge', own.prefix);
  let other: NodeState | undefined;
  if (plugin === 'flannel') {
    other = nodeOwningPodAddress(state, address);
    if (other && other !== node) weigh('flannel', index.cidrs.get(other)!.own.prefix);
  } else if (isRoutedPlugin(plugin)) {
    const match = bestRoute(routedCandidates(state, node, ip, address), address);
    if (match && match.prefix > bestPrefix) {
      pluginRoute = match.route;
      weigh('plugin', match.prefix);
    }
  }
  if (plugin !== 'flannel' && !dhcp && state.routers.size > 0) {
    const match = bestRoute(routerRoutes(state, node, segment), address);
    if (match && match.prefix > bestPrefix) {
      pluginRoute = match.route;
      weigh('plugin', match.prefix);
    }
  }
  if (cidrContains(segment, address)) weigh('eth0', segment.prefix);
  if (cidrContains(index.docker0.cidr, address)) weigh('docker0', index.docker0.cidr.prefix);
  const gateway = index.gateways.get(node.network);
  if (gateway !== undefined) {
    weigh('default', 0);
    if (dhcp && parseIp(gateway) === address) weigh('gateway', 32);
  }
  switch (best as Candidate | undefined) {
    case 'bridge':
      return { dst: node.podCIDR, dev: node.bridge!.name, proto: 'kernel', scope: 'link', src: formatIp(own.network + 1), ...(hasAttachedPod(state, node) ? {} : { linkdown: true }) };
    case 'flannel':
      return usesVxlan(state)
        ? { dst: other!.podCIDR, via: formatIp(index.cidrs.get(other!)!.own.network), dev: `flannel.${FLANNEL_VNI}`, onlink: true }
        : { dst: other!.podCIDR, via: other!.ip, dev: 'eth0' };
    case 'plugin':
      return pluginRoute;
    case 'eth0':
      return { dst: node.network, dev: 'eth0', proto: 'kernel', scope: 'link', src: node.ip };
    case 'docker0':
      return { dst: index.docker0.network, dev: 'docker0', proto: 'kernel', scope: 'link', src: index.docker0.address, linkdown: true };
    case 'default':
      return dhcp ? { dst: 'default', via: gateway, dev: 'eth0', proto: 'dhcp', src: node.ip, metric: 100 } : { dst: 'default', via: gateway, dev: 'eth0' };
    case 'gateway':
      return { dst: `${gateway}/32`, dev: 'eth0', proto: 'dhcp', scope: 'link', src: node.ip, metric: 100 };
    default:
      return undefined;
  }
}

/** The route the pod's table chooses for `ip` (the most specific; the first on a tie); a hostNetwork pod's is the node's. */
export function podRoute(state: LabState, pod: PodState, ip: string): Route | undefined {
  if (pod.hostNetwork) return nodeRoute(state, state.nodes.get(pod.node)!, ip);
  return longestPrefixMatch(podRoutes(state, pod), ip);
}

/**
 * The routed plugin's routes of `node` for `ip`. Only the node itself and the node whose range holds
 * `ip` can contribute (a remote block's route names its owner), so the derivation sees those two
 * instead of the 5,000 nodes it would walk for the whole table.
 */
function routedCandidates(state: LabState, node: NodeState, ip: string, address: number): Route[] {
  const owner = nodeOwningPodAddress(state, address);
  const nodes = new Map([[node.name, node]]);
  if (owner && owner !== node) nodes.set(owner.name, owner);
  return routedRouteCandidates({ ...state, nodes }, node, ip);
}

/** A router's table: its connected networks and its static routes (device = the interface facing the gateway). */
export function routerRoute(router: RouterState, ip: string): (Route & { ifaceIp: string }) | undefined {
  const address = parseIp(ip);
  if (address === undefined) return undefined;
  const routes: (Route & { ifaceIp: string })[] = [];
  router.interfaces.forEach((iface, i) => {
    routes.push({ dst: iface.network, dev: `eth${i}`, proto: 'kernel', scope: 'link', src: iface.ip, ifaceIp: iface.ip });
  });
  for (const route of router.routes) {
    const via = parseIp(route.via)!;
    const i = router.interfaces.findIndex((iface) => cidrContains(parseCidr(iface.network)!, via));
    if (i >= 0) routes.push({ dst: route.dst, via: route.via, dev: `eth${i}`, ifaceIp: router.interfaces[i].ip });
  }
  return longestPrefixMatch(routes, ip);
}
