/**
 * Longest-prefix route lookups in the tables the lab derives (netns/derive.ts). A node's table
 * holds one route per other node (5,000 at the Kubernetes limits), so nodeRoute() finds the
 * matching route through an index of pod CIDRs instead of materialising the table; routing.spec
 * checks it against the derived table.
 */
import type { LabState, NodeState, RouterState } from '../cluster/types';
import { docker0Network, FLANNEL_VNI, usesVxlan } from '../cni/network-config';
import { routerRoutes } from '../netns/derive';
import type { Route } from '../netns/types';
import { isRoutedPlugin } from '../cni/plugins';
import { routedRouteCandidates } from '../cni/routed-netns';
import { calicoBlocks } from '../cni/routed-ipam';
import { cidrContains, formatIp, parseCidr, parseIp, type Cidr } from '../net/ipv4';


function prefixOf(route: Route): number {
  if (route.dst === 'default') return 0;
  const slash = route.dst.indexOf('/');
  return slash < 0 ? 32 : Number(route.dst.slice(slash + 1));
}

function routeContains(route: Route, ip: number): boolean {
  if (route.dst === 'default') return true;
  const cidr = parseCidr(route.dst.includes('/') ? route.dst : `${route.dst}/32`, false);
  return cidr !== undefined && cidrContains(cidr, ip);
}

/** The most specific route of `routes` for `ip` (first one on a tie, as the table is ordered). */
export function longestPrefixMatch(routes: readonly Route[], ip: string): Route | undefined {
  const address = parseIp(ip);
  if (address === undefined) return undefined;
  let best: Route | undefined;
  for (const route of routes) {
    if (routeContains(route, address) && (!best || prefixOf(route) > prefixOf(best))) best = route;
  }
  return best;
}

interface PodCidrIndex {
  version: number;
  /** prefix length → network address → node. */
  byPrefix: Map<number, Map<number, NodeState>>;
  byIp: Map<string, NodeState>;
  /** The nodes' L2 segments (eth0 networks). */
  segments: Set<string>;
  /** The default gateway per node (what nodeDefaultGateway derives). */
  gateways: Map<string, string | undefined>;
  cidrs: Map<string, { segment: Cidr; own: Cidr }>;
}

const indexes = new WeakMap<LabState, PodCidrIndex>();

function indexOf(state: LabState): PodCidrIndex {
  let index = indexes.get(state);
  if (!index || index.version !== state.version) {
    let byPrefix = new Map<number, Map<number, NodeState>>();
    const byIp = new Map<string, NodeState>();
    for (const node of state.nodes.values()) {
      for (const range of podRanges(state, node)) {
        const cidr = parseCidr(range)!;
        let map = byPrefix.get(cidr.prefix);
        if (!map) byPrefix.set(cidr.prefix, (map = new Map()));
        map.set(cidr.network, node);
      }
      byIp.set(node.ip, node);
    }
    // Most specific first: a weave peer's share sits inside the share of the peer that gave it.
    byPrefix = new Map([...byPrefix].sort(([a], [b]) => b - a));
    const segments = new Set([...state.nodes.values()].map((node) => node.network));
    indexes.set(state, (index = { version: state.version, byPrefix, byIp, segments, gateways: new Map(), cidrs: new Map() }));
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

/**
 * netns/derive's nodeDefaultGateway through the index: a router on the node's segment, else the
 * segment's first address unless a node holds it (derive scans every node for that: 5,000 per node).
 */
function defaultGateway(state: LabState, node: NodeState): string | undefined {
  const index = indexOf(state);
  if (index.gateways.has(node.name)) return index.gateways.get(node.name);
  const segment = parseCidr(node.network)!;
  let gateway: string | undefined;
  for (const router of state.routers.values()) {
    gateway ??= router.interfaces.find((iface) => cidrContains(segment, parseIp(iface.ip)!))?.ip;
  }
  if (gateway === undefined) {
    const first = formatIp(segment.network + 1);
    gateway = first === node.ip || index.byIp.has(first) ? undefined : first;
  }
  index.gateways.set(node.name, gateway);
  return gateway;
}

/** The node whose podCIDR contains `ip`, through an index rebuilt once per state version. */
export function nodeOwningPodAddress(state: LabState, ip: number): NodeState | undefined {
  const index = indexOf(state);
  for (const [prefix, map] of index.byPrefix) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const node = map.get((ip & mask) >>> 0);
    if (node) return node;
  }
  return undefined;
}

/** The node's eth0 segment and pod CIDR, parsed once per state version (every hop on the node asks). */
function nodeCidrs(state: LabState, node: NodeState): { segment: Cidr; own: Cidr } {
  const { cidrs } = indexOf(state);
  let entry = cidrs.get(node.name);
  if (!entry) cidrs.set(node.name, (entry = { segment: parseCidr(node.network)!, own: parseCidr(node.podCIDR)! }));
  return entry;
}

/** The route nodeNetNamespace(state, node).routes would choose for `ip`, without building the table. */
export function nodeRoute(state: LabState, node: NodeState, ip: string): Route | undefined {
  const address = parseIp(ip);
  if (address === undefined) return undefined;
  const { segment, own } = nodeCidrs(state, node);
  const candidates: Route[] = [];
  if (node.bridge && cidrContains(own, address)) {
    let podsOnNode = false;
    for (const key of node.pods) {
      const pod = state.pods.get(key);
      if (pod !== undefined && !pod.hostNetwork && pod.vethIndex !== undefined) {
        podsOnNode = true;
        break;
      }
    }
    candidates.push({
      dst: node.podCIDR,
      dev: node.bridge.name,
      proto: 'kernel',
      scope: 'link',
      src: formatIp(own.network + 1),
      ...(podsOnNode ? {} : { linkdown: true }),
    });
  }
  if (state.cluster.cni.plugin === 'flannel') {
    const other = nodeOwningPodAddress(state, address);
    if (other && other !== node) {
      const otherCidr = parseCidr(other.podCIDR)!;
      candidates.push(
        usesVxlan(state)
          ? { dst: other.podCIDR, via: formatIp(otherCidr.network), dev: `flannel.${FLANNEL_VNI}`, onlink: true }
          : { dst: other.podCIDR, via: other.ip, dev: 'eth0' },
      );
    }
  } else if (isRoutedPlugin(state.cluster.cni.plugin)) {
    candidates.push(...routedCandidates(state, node, ip, address));
  }
  if (state.cluster.cni.plugin !== 'flannel' && !state.cluster.node?.dhcp) {
    candidates.push(...routerRoutes(state, node, segment).filter((route) => routeContains(route, address)));
  }
  if (cidrContains(segment, address)) candidates.push({ dst: node.network, dev: 'eth0', proto: 'kernel', scope: 'link', src: node.ip });
  const docker0 = docker0Network(state);
  if (cidrContains(parseCidr(docker0.network)!, address)) {
    candidates.push({ dst: docker0.network, dev: 'docker0', proto: 'kernel', scope: 'link', src: docker0.address, linkdown: true });
  }
  const gateway = defaultGateway(state, node);
  if (gateway && state.cluster.node?.dhcp) {
    candidates.push({ dst: 'default', via: gateway, dev: 'eth0', proto: 'dhcp', src: node.ip, metric: 100 });
    if (parseIp(gateway) === address) candidates.push({ dst: `${gateway}/32`, dev: 'eth0', proto: 'dhcp', scope: 'link', src: node.ip, metric: 100 });
  } else if (gateway) candidates.push({ dst: 'default', via: gateway, dev: 'eth0' });
  return longestPrefixMatch(candidates, ip);
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
  return longestPrefixMatch(routes, ip) as (Route & { ifaceIp: string }) | undefined;
}
