/**
 * One packet's walk through the lab's derived network namespaces: pod eth0 → veth → the bridge
 * (the pod's gateway) → the node's routing table → flannel.1 (VXLAN, static neigh/FDB) or eth0 →
 * the underlay (one L2 hop, or a router) → the other node → its bridge → veth → the pod. Each
 * step appends a Hop; the walk ends at a listener, a drop or a refusal.
 * Per plugin (plugin-hops.ts, cni/plugin-datapath.ts): calico's pods ARP 169.254.1.1 (proxy ARP on
 * the cali veth) and nodes route by /32 through tunl0 / vxlan.calico / eth0; weave's pods ARP each
 * other on one flat L2 network carried by fastdp or sleeve; cilium's eBPF answers for cilium_host
 * and redirects to the lxc or cilium_vxlan. Encryption adds a hop whose inner packet is unreadable.
 */
import type { LabState, NodeState, PodState, RouterState } from '../cluster/types';
import { FLANNEL_VNI, FLANNEL_VXLAN_PORT, podMtu, usesVxlan, VXLAN_OVERHEAD } from '../cni/network-config';
import type { Route } from '../netns/types';
import { cidrContains, formatIp, parseCidr, parseIp } from '../net/ipv4';
import { podByIp } from './endpoints';
import type { PluginDatapath } from '../cni/plugin-datapath';
import { deviceAddress } from '../cni/plugin-node';
import { CALICO, CILIUM, kubeProxyReplaced, WEAVE } from '../cni/plugins';
import { ciliumBackend, ciliumFrontend } from '../cni/cilium-services';
import { firstHopOf, labDatapath, outerHeader, podBridgeOf } from './plugin-hops';
import { findListener, nodeListeners, podListener, type Listener } from './listeners';
import type { NeighbourCache } from './neighbour-cache';
import type { PolicyGate } from './policy-gate';
import { nodeByIp, nodeOwningPodAddress, nodeRoute, nodeSegments, podRoute, routerRoute } from './routing';
import { explainIptablesRecovery } from '../node-iptables/explain';
import { saveRuleSpec, type Rule } from '../iptables';
import type { ChainResult, MatchedRule } from './netfilter-eval';
import { isNodeLocal, type NodeNetfilter } from './node-netfilter';
import type { Hop, HopLayer, PacketView, TraceProtocol, TraceVerdict } from './types';

export interface Packet {
  src: string;
  dst: string;
  ttl: number;
  protocol: TraceProtocol;
  length: number;
  srcPort?: number;
  dstPort?: number;
  flags?: string;
  srcMac?: string;
  dstMac?: string;
}

export interface WalkEnd {
  verdict: TraceVerdict;
  reason: string;
  /** What the client's connect() fails with when unreachable. */
  errno?: 'ENETUNREACH' | 'EHOSTUNREACH';
  /** Where the packet ended, to start the reply from. */
  at?: Location;
  /** For a rule the user removed: when kube-proxy puts it back. */
  recovery?: string;
}

export type Location =
  | { kind: 'pod'; pod: PodState }
  | { kind: 'node'; node: NodeState; inDev: string }
  | { kind: 'router'; router: RouterState; inDev: string }
  | { kind: 'internet' };

/** A masquerade a node applied on the way out, undone for the replies (conntrack). */
interface NatEntry {
  kind: 'snat' | 'dnat';
  node: string;
  original: string;
  translated: string;
  originalPort?: number;
}

const MAX_STEPS = 32;

export class Walk {
  readonly routeAddresses: string[] = [];
  deliveredTtl?: number;
  readonly nat: NatEntry[] = [];
  private label = '';
  /** The headers the last view was made of, and that view. */
  private readonly viewOf: Omit<Packet, 'protocol'> & { flags?: string; view?: PacketView } = { src: '', dst: '', ttl: -1, length: -1 };
  /** The packet's netfilter mark (KUBE-MARK-MASQ sets 0x4000), kept from PREROUTING to POSTROUTING of a node. */
  private mark = 0;
  /** The draws of the flow's statistic matches: seeded by the original 5-tuple, so a flow is pinned. */
  private readonly flowSeed: number;

  constructor(
    private readonly state: LabState,
    private readonly packet: Packet,
    private readonly neighbours: NeighbourCache,
    private readonly policy: PolicyGate,
    /** Replies are conntrack-established: no policy check, SNAT undone. */
    private readonly reply: boolean,
    /** The nodes' netfilter hooks at the trace's time (shared by the request and its reply). */
    private readonly netfilter: NodeNetfilter,
    /** Where the hops go: a reply continues the request's list, numbered on from it. */
    readonly hops: Hop[] = [],
  ) {
    this.label = reply ? 'Reply: ' : '';
    this.flowSeed = flowPort(packet);
  }

  private get datapath(): PluginDatapath {
    return labDatapath(this.state);
  }

  run(start: Location): WalkEnd {
    let at: Location = start;
    let origin = true;
    for (let step = 0; step < MAX_STEPS; step++) {
      const next =
        at.kind === 'pod'
          ? this.atPod(at.pod, origin)
          : at.kind === 'node'
            ? this.atNode(at.node, at.inDev, origin)
            : at.kind === 'router'
              ? this.atRouter(at.router, at.inDev)
              : this.atInternet(origin);
      if ('verdict' in next) return next;
      at = next;
      origin = false;
    }
    return { verdict: 'dropped', reason: `the packet looped for ${MAX_STEPS} steps (routing loop)` };
  }

  /**
   * The packet as a hop shows it. Hops that see the same packet share one view (views are never
   * changed once made): a trace has ~30 hops and most of them do not touch the headers.
   */
  private view(): PacketView {
    const p = this.packet;
    const seen = this.viewOf;
    if (seen.view && seen.src === p.src && seen.dst === p.dst && seen.ttl === p.ttl && seen.srcMac === p.srcMac && seen.dstMac === p.dstMac && seen.srcPort === p.srcPort && seen.dstPort === p.dstPort && seen.flags === p.flags && seen.length === p.length) {
      return seen.view;
    }
    const view: PacketView = {
      ...(p.srcMac && p.dstMac ? { l2: { src: p.srcMac, dst: p.dstMac, type: 'IPv4' as const } } : {}),
      l3: { src: p.src, dst: p.dst, ttl: p.ttl, protocol: p.protocol, length: p.length },
      ...(p.protocol === 'ICMP' ? { l4: { flags: this.reply ? 'echo-reply' : 'echo-request' } } : { l4: { srcPort: p.srcPort, dstPort: p.dstPort, ...(p.flags ? { flags: p.flags } : {}) } }),
    };
    seen.src = p.src;
    seen.dst = p.dst;
    seen.ttl = p.ttl;
    seen.srcMac = p.srcMac;
    seen.dstMac = p.dstMac;
    seen.srcPort = p.srcPort;
    seen.dstPort = p.dstPort;
    seen.flags = p.flags;
    seen.length = p.length;
    seen.view = view;
    return view;
  }

  push(hop: { node: string; netns: string; device: string; layer: HopLayer; action: string; summary: string; rule?: string; causedBy?: number; packet?: PacketView }): void {
    const entry: Hop = {
      index: this.hops.length,
      node: hop.node,
      netns: hop.netns,
      device: hop.device,
      layer: hop.layer,
      action: hop.action,
      summary: this.label + hop.summary,
      packet: hop.packet ?? this.view(),
    };
    if (hop.rule !== undefined) entry.rule = hop.rule;
    if (hop.causedBy !== undefined) entry.causedBy = hop.causedBy;
    this.hops.push(entry);
  }

  // ---- pods ---------------------------------------------------------------------------------

  private atPod(pod: PodState, origin: boolean): Location | WalkEnd {
    const netns = `pod ${pod.namespace}/${pod.name}`;
    if (origin && !this.reply && kubeProxyReplaced(this.state.cluster)) {
      const lb = this.ciliumLoadBalancer(this.state.nodes.get(pod.node)!, netns, 'eth0', true);
      if (lb && lb !== 'dnat') return lb;
    }
    if (this.packet.dst === pod.ip && !origin) return this.arrive({ node: pod.node, netns, device: 'eth0' }, (port, protocol) => podListener(pod, port, protocol), `${pod.namespace}/${pod.name}`);
    if (this.packet.dst === pod.ip || this.packet.dst.startsWith('127.')) {
      this.push({ node: pod.node, netns, device: 'lo', layer: 'L3', action: 'route', summary: `${this.packet.dst} is local: the packet loops back through lo without leaving the pod.`, rule: 'local' });
      return this.arrive({ node: pod.node, netns, device: 'lo' }, (port, protocol) => podListener(pod, port, protocol), `${pod.namespace}/${pod.name}`);
    }
    const route = podRoute(this.state, pod, this.packet.dst);
    if (!route) return this.noRoute(pod.node, netns);
    this.push({ node: pod.node, netns, device: 'eth0', layer: 'L3', action: 'route', summary: `Route lookup for ${this.packet.dst}: ${routeText(route)}.`, rule: routeText(route) });
    const mtu = podMtu(this.state);
    if (this.packet.length > mtu) return this.tooBig(pod.node, netns, 'eth0', mtu);
    const nexthop = route.via ?? this.packet.dst;
    const node = this.state.nodes.get(pod.node)!;
    const first = firstHopOf(this.state, node, pod, nexthop);
    const resolved = this.resolve(netns, pod.node, 'eth0', nexthop, first?.mac, first?.holder ?? '', pod.mac!, undefined, undefined, first?.answerer);
    if (!resolved || !first) return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `no answer to ARP for ${nexthop} on ${pod.namespace}/${pod.name}'s eth0: No route to host` };
    this.packet.srcMac = pod.mac;
    this.packet.dstMac = first.mac;
    const bridge = podBridgeOf(this.state, node);
    this.push({ node: pod.node, netns, device: 'eth0', layer: 'L2', action: 'send', summary: `The frame ${pod.mac} → ${first.mac} leaves through eth0, one end of the pod's veth pair.` });
    const port = bridge ? `a port of ${bridge.name}` : 'a point-to-point veth on no bridge: the node routes whatever comes out of it';
    this.push({ node: pod.node, netns: 'node', device: pod.vethName!, layer: 'L2', action: 'veth-transit', summary: `It comes out of ${pod.vethName} in the node's root netns, ${port}.` });
    const egress = this.reply ? true : this.policy.egress(this, pod.node, pod.vethName!);
    if (!egress) return this.policy.denied('egress');
    if (first.kind === 'gateway') {
      if (!bridge) return { kind: 'node', node, inDev: pod.vethName! };
      this.push({ node: pod.node, netns: 'node', device: bridge.name, layer: 'L2', action: 'bridge-local', summary: `The destination MAC is ${bridge.name}'s own: the bridge hands the packet up to the node's IP stack (it routes as the pod's gateway).` });
      return { kind: 'node', node, inDev: bridge.name };
    }
    if (first.kind === 'peer-bridge') return this.weaveToPeer(node, first.peer!, first.mac, () => {
      this.push({ node: first.peer!.name, netns: 'node', device: WEAVE.bridge, layer: 'L2', action: 'bridge-local', summary: `The destination MAC is ${WEAVE.bridge}'s own: the bridge hands the packet up to ${first.peer!.name}'s IP stack.` });
      return { kind: 'node', node: first.peer!, inDev: WEAVE.bridge };
    });
    const target = first.target!;
    if (target.node === node.name) return this.bridgeToPod(node, target, pod.vethName!);
    return this.weaveOverlay(node, target);
  }

  /** conntrack reverses a Service DNAT of this node on the reply (bridged replies too: kube-proxy needs br_netfilter). */
  private undoDnat(node: NodeState, device: string, why: string): void {
    const dnat = this.nat.find((e) => e.kind === 'dnat' && e.node === node.name && e.translated === this.packet.src);
    if (!dnat) return;
    this.packet.src = dnat.original;
    this.packet.srcPort = dnat.originalPort;
    this.push({ node: node.name, netns: 'node', device, layer: 'iptables', action: 'un-dnat', summary: `${why}conntrack reverses the Service DNAT: the reply now comes from ${dnat.original}:${dnat.originalPort}.`, rule: 'conntrack' });
  }

  private bridgeToPod(node: NodeState, target: PodState, fromPort: string): Location | WalkEnd {
    const bridge = podBridgeOf(this.state, node)!.name;
    if (this.reply && fromPort !== bridge) this.undoDnat(node, bridge, 'The frame is bridged, but br_netfilter passes it through iptables: ');
    if (!this.reply && fromPort !== bridge) {
      // br_netfilter (bridge-nf-call-iptables=1 on minikube): a bridged frame meets filter FORWARD too.
      const blocked = this.filterHook(node, 'FORWARD', { inDev: bridge, outDev: bridge, physIn: fromPort, physOut: target.vethName! }, false);
      if (blocked) return blocked;
    }
    this.push({ node: node.name, netns: 'node', device: bridge, layer: 'L2', action: 'bridge-forward', summary: `${bridge} looks ${target.mac} up in its FDB (learned on ${target.vethName}) and forwards the frame out of that port${fromPort === target.vethName ? ' (hairpin)' : ''}.`, rule: `${target.mac} dev ${target.vethName} master ${bridge}` });
    const ingress = this.reply ? true : this.policy.ingress(this, node.name, target.vethName!);
    if (!ingress) return this.policy.denied('ingress');
    this.push({ node: node.name, netns: `pod ${target.namespace}/${target.name}`, device: 'eth0', layer: 'L2', action: 'veth-transit', summary: `Through the veth pair the frame reaches eth0 of ${target.namespace}/${target.name}.` });
    return { kind: 'pod', pod: target };
  }

  // ---- nodes --------------------------------------------------------------------------------

  private atNode(node: NodeState, inDev: string, origin: boolean): Location | WalkEnd {
    const netns = 'node';
    if (this.reply) {
      if (!origin) this.undoDnat(node, inDev, '');
      const entry = this.nat.find((e) => e.kind === 'snat' && e.node === node.name && e.translated === this.packet.dst);
      if (entry && !origin) {
        this.packet.dst = entry.original;
        this.push({ node: node.name, netns, device: inDev, layer: 'iptables', action: 'un-snat', summary: `conntrack reverses the masquerade: the reply's destination becomes ${entry.original} again.`, rule: 'conntrack' });
      }
    }
    let translated = false;
    if (!this.reply) {
      this.mark = 0;
      const dnat = kubeProxyReplaced(this.state.cluster) ? this.ciliumLoadBalancer(node, 'node', inDev, origin) : this.serviceNat(node, inDev, origin);
      if (dnat === 'dnat') translated = true;
      else if (dnat) return dnat;
    }
    if (isNodeLocal(node, parseIp(this.packet.dst)!)) {
      if (origin) this.push({ node: node.name, netns, device: 'lo', layer: 'L3', action: 'route', summary: `${this.packet.dst} is one of the node's own addresses: delivered locally through lo.`, rule: 'local' });
      if (!this.reply) {
        const blocked = this.filterHook(node, origin ? 'OUTPUT' : 'INPUT', origin ? { outDev: 'lo' } : { inDev }, translated);
        if (blocked) return blocked;
      }
      return this.arrive({ node: node.name, netns, device: origin ? 'lo' : inDev }, (port, protocol) => findListener(nodeListeners(this.state, node), port, protocol), `node ${node.name}`);
    }
    const route = nodeRoute(this.state, node, this.packet.dst);
    if (!route) return this.noRoute(node.name, netns);
    if (route.type === 'blackhole') return this.blackhole(node.name, route);
    // Cilium 1.17: a packet out of cilium_vxlan is redirected by eBPF straight to the endpoint, without a decrement.
    if (!origin && inDev !== CILIUM.vxlanDevice) {
      this.routeAddresses.push(this.deviceAddress(node, inDev));
      this.packet.ttl -= 1;
      if (this.packet.ttl <= 0) {
        this.push({ node: node.name, netns, device: inDev, layer: 'L3', action: 'drop', summary: `TTL reaches 0 while forwarding: the node drops the packet and answers ICMP time exceeded.`, rule: 'ttl' });
        return { verdict: 'dropped', reason: `TTL exceeded at node ${node.name}` };
      }
    }
    const forwarded = origin ? '' : inDev === CILIUM.vxlanDevice ? ` eBPF hands the packet from the tunnel to the endpoint without a decrement (ttl ${this.packet.ttl}).` : ` Forwarding decrements the TTL to ${this.packet.ttl}.`;
    this.push({ node: node.name, netns, device: route.dev, layer: 'L3', action: 'route', summary: `Route lookup for ${this.packet.dst}: ${routeText(route)}.${forwarded}`, rule: routeText(route) });
    if (route.linkdown) return { verdict: 'unreachable', errno: 'ENETUNREACH', reason: `the route to ${this.packet.dst} is on ${route.dev}, which is down` };
    if (!this.reply) {
      const blocked = this.filterHook(node, origin ? 'OUTPUT' : 'FORWARD', origin ? { outDev: route.dev } : { inDev, outDev: route.dev }, translated);
      if (blocked) return blocked;
      if (this.kubeProxyMasquerade(node, route)) return this.afterRoute(node, netns, route);
    }
    this.masquerade(node, route);
    return this.afterRoute(node, netns, route);
  }

  private afterRoute(node: NodeState, netns: string, route: Route): Location | WalkEnd {
    if (route.dev === podBridgeOf(this.state, node)?.name) return this.nodeToBridge(node);
    if (route.dev.startsWith('flannel.')) return this.encapsulate(node, route);
    return this.routedStep(node, route) ?? this.outOfEth0(node, netns, route.via ?? this.packet.dst, route);
  }

  /**
   * calico and cilium: a /32 route to a local pod's veth (cilium: cilium_host, where eBPF redirects to
   * the endpoint's lxc), or a remote block through tunl0 / vxlan.calico / cilium's tunnel map.
   */
  private routedStep(node: NodeState, route: Route): Location | WalkEnd | undefined {
    const target = podByIp(this.state, this.packet.dst);
    const local = target && target.node === node.name && !target.hostNetwork ? target : undefined;
    if (local && route.dev === local.vethName) return this.toRoutedPod(node, local, false);
    if (route.dev === CILIUM.host) {
      if (local) return this.toRoutedPod(node, local, true);
      const remote = target && this.state.nodes.get(target.node);
      if (!remote || remote === node) return { verdict: 'dropped', reason: `no cilium endpoint owns ${this.packet.dst} (drop reason 150: Unknown L3 target address)` };
      this.push({ node: node.name, netns: 'node', device: CILIUM.host, layer: 'L3', action: 'tunnel-lookup', summary: `eBPF looks ${this.packet.dst} up in the ipcache: it lives on ${remote.name}, tunnel endpoint ${remote.ip}; the packet is redirected to ${CILIUM.vxlanDevice}.`, rule: `${this.packet.dst} → tunnelendpoint ${remote.ip}` });
      return this.tunnel(node, remote, CILIUM.vxlanDevice);
    }
    if (route.dev === 'eth0' && route.via) {
      const datapath = this.datapath;
      const remote = datapath.encryption && datapath.encapsulation.kind === 'none' ? nodeByIp(this.state, route.via) : undefined;
      if (remote && remote !== node && nodeOwningPodAddress(this.state, parseIp(this.packet.dst)!) === remote) return this.encryptedRoute(node, remote);
      return undefined;
    }
    if (route.dev === CALICO.tunnelDevice.ipip) {
      const remote = nodeByIp(this.state, route.via!);
      if (!remote) return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `no node holds ${route.via}, the IPIP peer of ${route.dst}` };
      return this.tunnel(node, remote, route.dev);
    }
    if (route.dev === CALICO.tunnelDevice.vxlan) {
      // The VTEP address is the first address of the remote node's block.
      const remote = nodeOwningPodAddress(this.state, parseIp(route.via!)!);
      const vtep = remote?.pluginNet?.devices.find((device) => device.name === route.dev);
      if (!remote || !vtep) return { verdict: 'dropped', reason: `no VTEP owns ${route.via}: no neighbour entry on ${route.dev}` };
      this.push({ node: node.name, netns: 'node', device: route.dev, layer: 'L2', action: 'neigh-lookup', summary: `${route.via} lladdr ${vtep.mac} PERMANENT: a static neighbour entry Felix installed for ${remote.name}, so no ARP on the overlay.`, rule: `${route.via} dev ${route.dev} lladdr ${vtep.mac} PERMANENT` });
      this.push({ node: node.name, netns: 'node', device: route.dev, layer: 'L2', action: 'fdb-lookup', summary: `The FDB of ${route.dev} maps VTEP ${vtep.mac} to ${remote.ip} (self permanent).`, rule: `${vtep.mac} dev ${route.dev} dst ${remote.ip} self permanent` });
      return this.tunnel(node, remote, route.dev);
    }
    return undefined;
  }

  /** Into a calico pod through its cali veth (the node ARPs the pod), or a cilium endpoint by eBPF redirect (no ARP). */
  private toRoutedPod(node: NodeState, target: PodState, ebpf: boolean): Location | WalkEnd {
    const dev = target.vethName!;
    if (ebpf) {
      this.push({ node: node.name, netns: 'node', device: dev, layer: 'L2', action: 'ebpf-redirect', summary: `${this.packet.dst} is a local endpoint: eBPF rewrites the MACs and redirects the packet to ${dev} (no ARP, no bridge).`, rule: `endpoint ${target.namespace}/${target.name} → ${dev}` });
    } else {
      const resolved = this.resolve(`node ${node.name}`, node.name, dev, this.packet.dst, target.mac, `pod ${target.namespace}/${target.name}`, target.vethMac!, 'node');
      if (!resolved) return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `no answer to ARP for ${this.packet.dst} on ${dev}` };
    }
    this.packet.srcMac = target.vethMac;
    this.packet.dstMac = target.mac;
    const ingress = this.reply ? true : this.policy.ingress(this, node.name, dev);
    if (!ingress) return this.policy.denied('ingress');
    this.push({ node: node.name, netns: `pod ${target.namespace}/${target.name}`, device: 'eth0', layer: 'L2', action: 'veth-transit', summary: `Out of ${dev}, through the veth pair, the packet reaches eth0 of ${target.namespace}/${target.name}.` });
    return { kind: 'pod', pod: target };
  }

  /** weave: a frame for a pod on another peer leaves the bridge for the weave router, crosses the overlay and is bridged there. */
  private weaveOverlay(node: NodeState, target: PodState): Location | WalkEnd {
    return this.weaveToPeer(node, this.state.nodes.get(target.node)!, target.mac!, () => this.bridgeToPod(this.state.nodes.get(target.node)!, target, 'vethwe-bridge'));
  }

  private weaveToPeer(node: NodeState, remote: NodeState, mac: string, arrive: () => Location | WalkEnd): Location | WalkEnd {
    const datapath = this.datapath;
    const router = datapath.encapsulation.kind === 'vxlan' ? 'the Open vSwitch datapath (fastdp) through vethwe-bridge' : 'the weave router process (sleeve) through vethwe-pcap';
    this.push({ node: node.name, netns: 'node', device: WEAVE.bridge, layer: 'L2', action: 'bridge-forward', summary: `${WEAVE.bridge} has no local port for ${mac}: the frame goes to ${router}, which knows it is on peer ${remote.name}.`, rule: `${mac} → peer ${remote.name}` });
    const crossed = this.tunnel(node, remote, datapath.encapsulation.device);
    if ('verdict' in crossed) return crossed;
    return arrive();
  }

  /**
   * The overlay hop between two nodes: the plugin's outer header (IPIP, VXLAN, sleeve), the encryption
   * if any (WireGuard's UDP, ESP, NaCl: the inner packet is no longer readable on the wire), the
   * underlay's one L2 hop, and the decapsulation on `remote`.
   */
  private tunnel(node: NodeState, remote: NodeState, dev: string): Location | WalkEnd {
    const datapath = this.datapath;
    const enc = datapath.encapsulation;
    const source = podByIp(this.state, this.packet.src);
    const outer = outerHeader(datapath, node, remote, flowPort(this.packet), source);
    const outerView = (): PacketView => ({ ...this.view(), outer });
    const wrapped = this.packet.length + enc.overhead;
    const name = enc.kind === 'ipip' ? 'IP-in-IP (IP protocol 4)' : enc.kind === 'sleeve' ? `weave's sleeve encapsulation inside UDP` : `VXLAN${outer.vni !== undefined ? ` (VNI ${outer.vni}${enc.vni === 'identity' ? ', the source security identity' : ''})` : ''} inside UDP`;
    const ports = outer.protocol === 'UDP' ? `${node.ip}:${outer.srcPort} → ${remote.ip}:${outer.dstPort}` : `${node.ip} → ${remote.ip}`;
    this.push({ node: node.name, netns: 'node', device: dev, layer: 'encap', action: 'encapsulate', summary: `${dev} wraps the packet in ${name} ${ports}; ${wrapped} bytes on the wire.`, packet: outerView() });
    const crossed = this.acrossSegment(node, remote, dev, wrapped, enc.overhead, outerView);
    if (crossed) return crossed;
    const socket = outer.protocol === 'IPIP' ? 'IP protocol 4 belongs to the ipip module' : `UDP port ${outer.dstPort} belongs to the ${enc.kind === 'sleeve' ? 'weave router' : "kernel's VXLAN socket"}`;
    this.push({ node: remote.name, netns: 'node', device: dev, layer: 'encap', action: 'decapsulate', summary: `${socket}: ${dev} strips the outer headers.`, packet: outerView() });
    return { kind: 'node', node: remote, inDev: dev };
  }

  /**
   * calico BGP and cilium native routing with encryption: nothing encapsulates, but a packet for
   * a pod of a peer goes through the WireGuard device (calico: Felix's routing rule to
   * wireguard.cali; cilium: eBPF redirects to cilium_wg0) or the kernel's XFRM (IPsec) before eth0.
   */
  private encryptedRoute(node: NodeState, remote: NodeState): Location | WalkEnd {
    const device = this.datapath.encryption!.device ?? 'eth0';
    this.packet.srcMac = node.mac;
    this.packet.dstMac = remote.mac;
    const crossed = this.acrossSegment(node, remote, device, this.packet.length, 0, () => this.view());
    return crossed ?? { kind: 'node', node: remote, inDev: device };
  }

  /**
   * A packet of `size` bytes (`overhead` of them the plugin's encapsulation) from `node` to `remote`
   * on their shared L2 segment: the plugin's encryption if any (WireGuard's UDP, ESP, NaCl: the
   * packet is no longer readable on the wire), ARP for the peer, eth0 and back to readable on `remote`.
   */
  private acrossSegment(node: NodeState, remote: NodeState, dev: string, size: number, overhead: number, view: () => PacketView): WalkEnd | undefined {
    const encryption = this.datapath.encryption;
    const extra = encryption?.kind === 'wireguard' ? 60 : encryption ? 40 : 0;
    if (size + extra > this.state.cluster.mtu) return this.tooBig(node.name, 'node', 'eth0', this.state.cluster.mtu - overhead - extra);
    let wire = view;
    if (encryption) {
      const by = encryption.kind === 'wireguard' ? 'WireGuard' : encryption.kind === 'ipsec' ? 'IPsec ESP' : 'NaCl';
      const sealed: PacketView = {
        l3: { src: node.ip, dst: remote.ip, ttl: 64, protocol: encryption.wire.protocol === 'ESP' ? 'ESP' : 'UDP', length: size + extra },
        ...(encryption.wire.protocol === 'UDP' ? { l4: { srcPort: encryption.wire.port, dstPort: encryption.wire.port } } : {}),
        encrypted: { by, device: encryption.device, readable: false },
      };
      wire = () => ({ ...sealed, ...(this.packet.srcMac && this.packet.dstMac ? { l2: { src: node.mac, dst: remote.mac, type: 'IPv4' as const } } : {}) });
      const carrier = encryption.wire.protocol === 'UDP' ? `UDP ${node.ip}:${encryption.wire.port} → ${remote.ip}:${encryption.wire.port}` : `ESP (IP protocol 50) ${node.ip} → ${remote.ip}`;
      this.push({ node: node.name, netns: 'node', device: encryption.device ?? dev, layer: 'encap', action: 'encrypt', summary: `${by} encrypts the whole packet for ${remote.name}: the wire shows only ${carrier}; the inner addresses, ports and payload are not readable.`, packet: sealed });
    }
    this.resolve(`node ${node.name}`, node.name, 'eth0', remote.ip, remote.mac, `node ${remote.name}`, node.mac, 'node', wire, { cache: `node ${remote.name}`, requester: node.ip });
    this.push({ node: node.name, netns: 'node', device: 'eth0', layer: 'L2', action: 'send', summary: `The outer packet leaves eth0 for ${remote.name} (${remote.ip}) on the same L2 segment ${node.network}: one hop, no router.`, packet: wire() });
    this.push({ node: remote.name, netns: 'node', device: 'eth0', layer: 'L2', action: 'receive', summary: `${remote.name} receives it on eth0.`, packet: wire() });
    if (encryption) {
      this.push({ node: remote.name, netns: 'node', device: encryption.device ?? dev, layer: 'encap', action: 'decrypt', summary: `${remote.name} decrypts it (${encryption.device ?? 'XFRM'}): the encapsulated packet is readable again.`, packet: view() });
    }
    return undefined;
  }

  /**
   * nat PREROUTING (arriving) / OUTPUT (the node's own) as the node's tables hold them at the trace's
   * time: kube-proxy's KUBE-SERVICES → KUBE-SVC → KUBE-SEP DNAT to one endpoint (the flow's draws on
   * the statistic rules), or nothing — and when kube-proxy should have had a rule for this Service
   * but the user removed it, the packet goes nowhere: dropped, naming the event and the recovery.
   */
  private serviceNat(node: NodeState, inDev: string, origin: boolean): WalkEnd | 'dnat' | undefined {
    const chain = origin ? 'OUTPUT' : 'PREROUTING';
    const result = this.netfilter.nat(node, this.packet, origin ? undefined : inDev, this.flowSeed);
    this.mark = result.mark;
    const verdict = result.verdict;
    if (verdict.kind === 'DNAT') {
      const chains = chainPath(result.matched, result.decidedBy!);
      const svcChain = chains.find((name) => name.startsWith('KUBE-SVC-') || name.startsWith('KUBE-SVL-'));
      const endpoints = svcChain ? (result.source('nat', svcChain)?.rules.filter((rule) => rule.target?.kind === 'jump' && rule.target.chain.startsWith('KUBE-SEP-')).length ?? 1) : 1;
      const port = verdict.port ?? this.packet.dstPort;
      const name = this.netfilter.expectedService(this.packet)?.name ?? serviceOfComment(result.decidedBy!.rule);
      this.nat.push({ kind: 'dnat', node: node.name, original: this.packet.dst, translated: verdict.ip, originalPort: this.packet.dstPort });
      const rule = `${chains.join(' → ')} DNAT to ${verdict.ip}:${port}`;
      const cause = this.netfilter.causeOf(node, result.decidedBy);
      this.push({
        node: node.name, netns: 'node', device: inDev, layer: 'iptables', action: 'dnat',
        summary: `nat ${chain} → KUBE-SERVICES matches ${name} (${this.packet.dst}:${this.packet.dstPort}); one of ${endpoints} endpoint${endpoints === 1 ? '' : 's'} is chosen and pinned by conntrack: DNAT to ${verdict.ip}:${port}.`,
        rule,
        ...(cause ? { causedBy: cause.seq } : {}),
      });
      this.packet.dst = verdict.ip;
      this.packet.dstPort = port;
      const pod = podByIp(this.state, verdict.ip);
      this.policy.retarget(pod ?? { ip: verdict.ip }, port);
      return 'dnat';
    }
    if (verdict.kind === 'DROP' || verdict.kind === 'REJECT') return this.blockedBy(node, inDev, `nat ${chain}`, result);
    // Without endpoints kube-proxy writes no nat rule at all: its filter REJECT decides later.
    const expected = this.netfilter.expectedService(this.packet);
    if (!expected?.hasEndpoints || !this.netfilter.touched(node)) return undefined;
    const service = expected.name;
    const removal = this.netfilter.removalOf(node, 'nat');
    const since = removal ? ` since \`iptables ${removal.args.join(' ')}\` (event ${removal.seq})` : '';
    const recovery = explainIptablesRecovery(this.state, node.name, this.netfilter.time);
    this.push({
      node: node.name, netns: 'node', device: inDev, layer: 'iptables', action: 'drop',
      summary: `nat ${chain} of ${node.name} has no KUBE-SERVICES rule for ${service} (${this.packet.dst}:${this.packet.dstPort})${since}: nothing translates the ClusterIP, no host owns it, and the packet is lost (the client times out). ${recovery}`,
      rule: `KUBE-SERVICES (missing: ${service} cluster IP)`,
      ...(removal ? { causedBy: removal.seq } : {}),
    });
    return { verdict: 'dropped', reason: `no KUBE-SERVICES rule for ${service} on ${node.name}${since}`, recovery };
  }

  /**
   * cilium's eBPF load balancer (kube-proxy replacement): a socket's connect() to a ClusterIP (or a
   * node's own process to a NodePort) is translated by the socket LB before any packet exists, so
   * the wire only ever carries the backend's address; a NodePort reaching the node from outside is
   * translated by bpf_host on the device, and SNATed to the node when the backend lives elsewhere.
   */
  private ciliumLoadBalancer(node: NodeState, netns: string, device: string, origin: boolean): WalkEnd | 'dnat' | undefined {
    const own = !this.packet.dst.startsWith('127.') && isNodeLocal(node, parseIp(this.packet.dst)!);
    const frontend = ciliumFrontend(this.state, node, this.packet.dst, this.packet.dstPort, this.packet.protocol, own);
    if (!frontend || (!origin && frontend.type === 'ClusterIP')) return undefined;
    const what = `${frontend.type} ${frontend.address}:${frontend.port}/${frontend.protocol} of ${frontend.service} (service ID ${frontend.id})`;
    const socket = origin ? "cilium's socket LB (cgroup connect hook)" : `bpf_host on ${device}`;
    const backend = ciliumBackend(frontend, this.flowSeed);
    if (!backend) {
      this.push({ node: node.name, netns, device, layer: 'ebpf', action: 'drop', summary: `${socket} finds ${what} with no backend: ${origin ? 'connect() fails with No route to host' : 'the packet is dropped (Service backend not found)'}.`, rule: `lb4 ${frontend.address}:${frontend.port} (no backends)` });
      return origin
        ? { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `service ${frontend.service} has no backends (cilium's socket LB)` }
        : { verdict: 'dropped', reason: `service ${frontend.service} has no backends (cilium: Service backend not found)` };
    }
    const original = this.packet.dst;
    const originalPort = this.packet.dstPort;
    this.push({
      node: node.name, netns, device, layer: 'ebpf', action: 'dnat',
      summary: `${socket} looks up ${what}: backend ${backend.ip}:${backend.port} of ${frontend.backends.length} (no kube-proxy, no KUBE-* chains: cilium's kube-proxy replacement).${origin ? ' The socket is connected to the backend: the packet leaves with it as destination.' : ''}`,
      rule: `lb4 ${frontend.address}:${frontend.port}/${frontend.protocol} => ${backend.ip}:${backend.port}`,
    });
    this.packet.dst = backend.ip;
    this.packet.dstPort = backend.port;
    const pod = podByIp(this.state, backend.ip);
    this.policy.retarget(pod ?? { ip: backend.ip }, backend.port);
    if (origin) return 'dnat';
    this.nat.push({ kind: 'dnat', node: node.name, original, translated: backend.ip, originalPort });
    if (backend.nodeName !== node.name) {
      this.nat.push({ kind: 'snat', node: node.name, original: this.packet.src, translated: node.ip });
      this.push({ node: node.name, netns, device, layer: 'ebpf', action: 'snat', summary: `The backend is on ${backend.nodeName}: bpf_host SNATs the source ${this.packet.src} → ${node.ip} (kube-proxy replacement's default SNAT mode) so the reply comes back through ${node.name}.`, rule: `snat ${this.packet.src} => ${node.ip}` });
      this.packet.src = node.ip;
    }
    return 'dnat';
  }

  /** filter INPUT / FORWARD / OUTPUT: kube-proxy's REJECT of a Service without endpoints, or a user's DROP/REJECT. */
  private filterHook(node: NodeState, chain: 'INPUT' | 'FORWARD' | 'OUTPUT', devices: { inDev?: string; outDev?: string; physIn?: string; physOut?: string }, translated: boolean): WalkEnd | undefined {
    const result = this.netfilter.filter(node, chain, this.packet, devices, this.mark, translated, this.flowSeed);
    if (result.verdict.kind !== 'DROP' && result.verdict.kind !== 'REJECT') return undefined;
    return this.felixPolicyDrop(node, result) ?? this.blockedBy(node, devices.inDev ?? devices.outDev ?? '-', `filter ${chain}`, result);
  }

  /**
   * A drop in Felix's cali-* chains (a node whose tables are simulated) is a NetworkPolicy decision:
   * the hop names the policy and the event that applied it, as on a node the user never touched.
   */
  private felixPolicyDrop(node: NodeState, result: ChainResult): WalkEnd | undefined {
    const chain = result.decidedBy?.chain ?? '';
    // weave-npc: WEAVE-NPC-EGRESS drops what no egress rule marked; what WEAVE-NPC let through unaccepted meets FORWARD's `-o weave -j DROP`.
    const weaveIngress = chain === 'FORWARD' && result.decidedBy?.rule?.outInterface?.name === WEAVE.bridge && result.matched.some((matched) => matched.chain === 'WEAVE-NPC');
    if (!chain.startsWith('cali-') && chain !== 'WEAVE-NPC-EGRESS' && !weaveIngress) return undefined;
    const ingress = /^cali-(tw|pi|pri)-/.test(chain) || weaveIngress;
    const pod = podByIp(this.state, ingress ? this.packet.dst : this.packet.src);
    if (!pod?.vethName) return undefined;
    const allowed = ingress ? this.policy.ingress(this, node.name, pod.vethName) : this.policy.egress(this, node.name, pod.vethName);
    return allowed ? undefined : this.policy.denied(ingress ? 'ingress' : 'egress');
  }

  private blockedBy(node: NodeState, device: string, hook: string, result: ChainResult): WalkEnd {
    const decided = result.decidedBy;
    const cause = this.netfilter.causeOf(node, decided);
    const spec = decided?.rule ? `-A ${decided.chain} ${saveRuleSpec(decided.rule).trim()}` : `-P ${hook.split(' ')[1]} DROP`;
    const by = cause ? `the rule \`iptables ${cause.args.join(' ')}\` (event ${cause.seq})` : decided ? `the rule ${spec}` : `the chain's policy`;
    const comment = decided?.rule ? commentOf(decided.rule) : undefined;
    if (result.verdict.kind === 'REJECT') {
      const empty = comment?.endsWith(' has no endpoints') ? comment.replace(/ has no endpoints$/, '').replace(/:[^/]*$/, '') : undefined;
      const what = empty ? `Service ${empty} has no endpoints: kube-proxy's filter rule` : by;
      this.push({ node: node.name, netns: 'node', device, layer: 'iptables', action: 'reject', summary: `${hook}: ${what} rejects the packet with ICMP port unreachable (Connection refused).`, rule: spec, ...(cause ? { causedBy: cause.seq } : {}) });
      return { verdict: 'refused', reason: empty ? `service ${empty} has no endpoints` : `rejected by ${hook} on ${node.name} (${spec})` };
    }
    this.push({ node: node.name, netns: 'node', device, layer: 'iptables', action: 'drop', summary: `${hook}: ${by} drops the packet silently (the client times out).`, rule: spec, ...(cause ? { causedBy: cause.seq } : {}) });
    return { verdict: 'dropped', reason: `dropped by ${hook} on ${node.name} (${spec})` };
  }

  /** nat POSTROUTING → KUBE-POSTROUTING: a packet KUBE-MARK-MASQ marked (NodePort from outside, a pod reaching itself) is masqueraded. */
  private kubeProxyMasquerade(node: NodeState, route: Route): boolean {
    const result = this.netfilter.postrouting(node, this.packet, route.dev, this.mark, this.flowSeed);
    if (result.verdict.kind !== 'MASQUERADE' && result.verdict.kind !== 'SNAT') return false;
    const translated = result.verdict.kind === 'SNAT' ? result.verdict.ip : this.deviceAddress(node, route.dev);
    this.nat.push({ kind: 'snat', node: node.name, original: this.packet.src, translated });
    const why = result.decidedBy?.chain.startsWith('CILIUM_') ? `nat POSTROUTING → ${result.decidedBy.chain}: cilium masquerades pod traffic leaving the pod network` : "nat POSTROUTING → KUBE-POSTROUTING: the packet carries kube-proxy's mark 0x4000, so it is masqueraded";
    this.push({ node: node.name, netns: 'node', device: route.dev, layer: 'iptables', action: 'snat', summary: `${why}: source ${this.packet.src} → ${translated}.`, rule: `${result.decidedBy?.chain ?? 'KUBE-POSTROUTING'} ${result.decidedBy?.rule ? saveRuleSpec(result.decidedBy.rule).trim() : 'MASQUERADE'}` });
    this.packet.src = translated;
    return true;
  }

  private deviceAddress(node: NodeState, dev: string): string {
    const range = parseCidr(node.podCIDR)!;
    if (dev === node.bridge?.name) return formatIp(range.network + 1);
    if (dev.startsWith('flannel.')) return formatIp(range.network);
    return deviceAddress(node, dev) ?? node.ip;
  }

  /** flannel --ip-masq (FLANNEL-POSTRTG) and the bridge plugin's ipMasq: pod traffic leaving the pod network is masqueraded. */
  private masquerade(node: NodeState, route: Route): void {
    if (this.reply) return;
    const src = parseIp(this.packet.src)!;
    const dst = parseIp(this.packet.dst)!;
    const plugin = this.state.cluster.cni.plugin;
    const inside = parseCidr(plugin === 'bridge' ? node.podCIDR : plugin === 'weave' ? WEAVE.range : this.state.cluster.podCIDR)!;
    if (!cidrContains(inside, src) || cidrContains(inside, dst) || dst >>> 28 === 14) return;
    const translated = route.dev === 'eth0' ? node.ip : this.deviceAddress(node, route.dev);
    const chain = this.datapath.masquerade;
    this.nat.push({ kind: 'snat', node: node.name, original: this.packet.src, translated });
    this.push({ node: node.name, netns: 'node', device: route.dev, layer: 'iptables', action: 'snat', summary: `nat POSTROUTING (${chain}) masquerades the source ${this.packet.src} → ${translated}: the destination is outside the ${inside.prefix === this.state.cluster.nodeCIDRMaskSize && plugin === 'bridge' ? "node's pod subnet" : 'pod network'}.`, rule: `${chain} MASQUERADE` });
    this.packet.src = translated;
  }

  private nodeToBridge(node: NodeState): Location | WalkEnd {
    const { name: bridge, mac: bridgeMac, ip: gatewayIp } = podBridgeOf(this.state, node)!;
    const weave = this.state.cluster.cni.plugin === 'weave';
    const candidate = weave ? podByIp(this.state, this.packet.dst) : sameNodePod(this.state, node, this.packet.dst);
    const target = candidate && !candidate.hostNetwork ? candidate : undefined;
    const cache = `node ${node.name}`;
    const answerer = target && { cache: `pod ${target.namespace}/${target.name}`, requester: gatewayIp };
    const resolved = this.resolve(cache, node.name, bridge, this.packet.dst, target?.mac, target ? `pod ${target.namespace}/${target.name}` : '', bridgeMac, 'node', undefined, answerer);
    if (!resolved || !target) {
      return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `no pod answers ARP for ${this.packet.dst} on ${bridge} of node ${node.name}: the node returns ICMP host unreachable (No route to host)` };
    }
    this.packet.srcMac = bridgeMac;
    this.packet.dstMac = target.mac;
    if (target.node !== node.name) return this.weaveOverlay(node, target);
    return this.bridgeToPod(node, target, bridge);
  }

  private encapsulate(node: NodeState, route: Route): Location | WalkEnd {
    const dev = route.dev;
    const mtu = podMtu(this.state);
    if (this.packet.length > mtu) return this.tooBig(node.name, 'node', dev, mtu);
    const remote = nodeOwningPodAddress(this.state, parseIp(route.via!)!);
    if (!remote || remote === node || !remote.vtepMac) return { verdict: 'dropped', reason: `no flannel lease owns ${route.via}: no neighbour entry on ${dev}` };
    this.push({ node: node.name, netns: 'node', device: dev, layer: 'L2', action: 'neigh-lookup', summary: `${route.via} lladdr ${remote.vtepMac} PERMANENT: a static neighbour entry flanneld installed for ${remote.name}, so no ARP on the overlay.`, rule: `${route.via} dev ${dev} lladdr ${remote.vtepMac} PERMANENT` });
    this.push({ node: node.name, netns: 'node', device: dev, layer: 'L2', action: 'fdb-lookup', summary: `The FDB of ${dev} maps VTEP ${remote.vtepMac} to ${remote.ip} (self permanent).`, rule: `${remote.vtepMac} dev ${dev} dst ${remote.ip} self permanent` });
    this.packet.srcMac = node.vtepMac;
    this.packet.dstMac = remote.vtepMac;
    const outer = { src: node.ip, dst: remote.ip, protocol: 'UDP' as const, srcPort: flowPort(this.packet), dstPort: FLANNEL_VXLAN_PORT, vni: FLANNEL_VNI };
    const outerView = (): PacketView => ({ ...this.view(), outer });
    this.push({ node: node.name, netns: 'node', device: dev, layer: 'encap', action: 'encapsulate', summary: `${dev} wraps the whole frame in VXLAN (VNI ${FLANNEL_VNI}) inside UDP ${node.ip}:${outer.srcPort} → ${remote.ip}:${FLANNEL_VXLAN_PORT}; ${this.packet.length + VXLAN_OVERHEAD} bytes on the wire.`, packet: outerView() });
    if (this.packet.length + VXLAN_OVERHEAD > this.state.cluster.mtu) return this.tooBig(node.name, 'node', 'eth0', this.state.cluster.mtu - VXLAN_OVERHEAD);
    const cache = `node ${node.name}`;
    this.resolve(cache, node.name, 'eth0', remote.ip, remote.mac, `node ${remote.name}`, node.mac, 'node', outerView, { cache: `node ${remote.name}`, requester: node.ip });
    this.push({ node: node.name, netns: 'node', device: 'eth0', layer: 'L2', action: 'send', summary: `The UDP datagram leaves eth0 for ${remote.name} (${remote.ip}) on the same L2 segment ${node.network}: one hop, no router.`, packet: outerView() });
    this.push({ node: remote.name, netns: 'node', device: 'eth0', layer: 'L2', action: 'receive', summary: `${remote.name} receives it on eth0.`, packet: outerView() });
    this.push({ node: remote.name, netns: 'node', device: dev, layer: 'encap', action: 'decapsulate', summary: `UDP port ${FLANNEL_VXLAN_PORT} belongs to the kernel's VXLAN socket: ${dev} strips the outer headers; the inner frame is addressed to its own MAC ${remote.vtepMac}.` });
    return { kind: 'node', node: remote, inDev: dev };
  }

  private outOfEth0(node: NodeState, netns: string, nexthop: string, route: Route): Location | WalkEnd {
    if (this.packet.length > this.state.cluster.mtu) return this.tooBig(node.name, netns, 'eth0', this.state.cluster.mtu);
    const owner = underlayOwner(this.state, nexthop);
    const cache = `node ${node.name}`;
    const answerer = owner && owner.location.kind !== 'internet' ? { cache: cacheOf(owner.location), requester: node.ip } : undefined;
    const resolved = this.resolve(cache, node.name, 'eth0', nexthop, owner?.mac, owner?.label ?? '', node.mac, 'node', undefined, answerer);
    if (!resolved || !owner) {
      return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `nothing answers ARP for ${nexthop} on ${node.name}'s eth0: No route to host` };
    }
    this.packet.srcMac = node.mac;
    this.packet.dstMac = owner.mac;
    const through = route.via ? ` through the gateway ${route.via} (${owner.label})` : ` to ${owner.label}`;
    this.push({ node: node.name, netns, device: 'eth0', layer: 'L2', action: 'send', summary: `The frame leaves eth0${through} on ${node.network}.` });
    return owner.location;
  }

  // ---- routers and the internet -------------------------------------------------------------

  private atRouter(router: RouterState, inDev: string): Location | WalkEnd {
    const netns = `router ${router.name}`;
    const ifaceIndex = Number(inDev.slice(3));
    if (router.interfaces.some((iface) => iface.ip === this.packet.dst)) {
      return this.arrive({ node: router.name, netns, device: inDev }, (port, protocol) => findListener([], port, protocol), `router ${router.name}`);
    }
    const route = routerRoute(router, this.packet.dst);
    this.routeAddresses.push(router.interfaces[ifaceIndex]?.ip ?? router.interfaces[0].ip);
    this.push({ node: router.name, netns, device: inDev, layer: 'L2', action: 'receive', summary: `Router ${router.name} receives the frame on ${inDev}.` });
    if (!route) {
      this.push({ node: router.name, netns, device: inDev, layer: 'L3', action: 'drop', summary: `Router ${router.name} has no route to ${this.packet.dst}: it answers ICMP network unreachable.` });
      return { verdict: 'unreachable', errno: 'ENETUNREACH', reason: `router ${router.name} has no route to ${this.packet.dst}` };
    }
    this.packet.ttl -= 1;
    if (this.packet.ttl <= 0) return { verdict: 'dropped', reason: `TTL exceeded at router ${router.name}` };
    this.push({ node: router.name, netns, device: route.dev, layer: 'L3', action: 'route', summary: `Router ${router.name}: ${routeText(route)}. Forwarding decrements the TTL to ${this.packet.ttl}.`, rule: routeText(route) });
    const nexthop = route.via ?? this.packet.dst;
    const owner = underlayOwner(this.state, nexthop);
    const answerer = owner && owner.location.kind !== 'internet' ? { cache: cacheOf(owner.location), requester: route.ifaceIp } : undefined;
    const resolved = this.resolve(netns, router.name, route.dev, nexthop, owner?.mac, owner?.label ?? '', routerMac(router, route.ifaceIp), netns, undefined, answerer);
    if (!resolved || !owner) return { verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: `router ${router.name}: nothing answers ARP for ${nexthop}` };
    this.packet.srcMac = routerMac(router, route.ifaceIp);
    this.packet.dstMac = owner.mac;
    this.push({ node: router.name, netns, device: route.dev, layer: 'L2', action: 'send', summary: `Router ${router.name} sends the frame to ${owner.label}.` });
    return owner.location;
  }

  private atInternet(origin: boolean): Location | WalkEnd {
    const dst = parseIp(this.packet.dst)!;
    const node = nodeByIp(this.state, this.packet.dst);
    if (node) {
      const gateway = formatIp(parseCidr(node.network)!.network + 1);
      this.packet.srcMac = macFromIp('02:42', gateway);
      this.packet.dstMac = node.mac;
      this.push({ node: 'internet', netns: 'internet', device: 'gateway', layer: 'L2', action: 'send', summary: `The host gateway ${gateway} delivers the packet to ${node.name} (${node.ip}) on ${node.network}.` });
      return { kind: 'node', node, inDev: 'eth0' };
    }
    const privateRange = [this.state.cluster.podCIDR, this.state.cluster.serviceCIDR].some((cidr) => cidrContains(parseCidr(cidr)!, dst));
    if (privateRange || origin) {
      this.push({ node: 'internet', netns: 'internet', device: 'gateway', layer: 'L3', action: 'drop', summary: `Beyond the gateway nothing routes ${this.packet.dst}: the packet is lost.` });
      return { verdict: 'dropped', reason: `${this.packet.dst} is not routed outside the cluster` };
    }
    this.routeAddresses.push(this.packet.dst);
    this.push({ node: 'internet', netns: 'internet', device: 'gateway', layer: 'L3', action: 'route', summary: `The gateway forwards the packet to the internet, where ${this.packet.dst} answers.` });
    return this.arrive({ node: 'internet', netns: 'internet', device: 'eth0' }, (port) => ({ port: port ?? 0, protocol: 'TCP', by: 'the remote host' }), this.packet.dst);
  }

  // ---- shared steps -------------------------------------------------------------------------

  /**
   * ARP for `ip` on `device`: a fresh cache entry skips the request; otherwise a broadcast
   * who-has and, if someone holds the address, its reply. Returns whether the MAC is known.
   */
  private resolve(cache: string, node: string, device: string, ip: string, mac: string | undefined, holder: string, ownMac: string, netns?: string, packet?: () => PacketView, answerer?: { cache: string; requester: string }): boolean {
    const where = netns ?? cache;
    const ns = where.startsWith('node ') ? 'node' : where;
    const age = this.neighbours.age(cache, ip);
    if (age !== null && mac) {
      this.neighbours.use(cache, ip);
      this.push({ node, netns: ns, device, layer: 'L2', action: 'neigh-cache', summary: `${ip} is already in the neighbour cache (${mac}, used ${Math.round(age / 1000)} s ago): no ARP request.`, rule: `${ip} dev ${device} lladdr ${mac}`, ...(packet ? { packet: packet() } : {}) });
      return true;
    }
    const arp = (src: string, dst: string): PacketView => ({ l2: { src, dst, type: 'ARP' }, l3: this.view().l3 });
    this.push({ node, netns: ns, device, layer: 'L2', action: 'arp-request', summary: `ARP who-has ${ip}? broadcast on ${device}.`, packet: arp(ownMac, 'ff:ff:ff:ff:ff:ff') });
    if (!mac) {
      this.push({ node, netns: ns, device, layer: 'L2', action: 'drop', summary: `Nobody answers ARP for ${ip}: the neighbour entry goes FAILED.` });
      return false;
    }
    this.neighbours.use(cache, ip);
    // The kernel that answers a request also caches the requester (arp_process → neigh_event_ns).
    if (answerer) this.neighbours.use(answerer.cache, answerer.requester);
    this.push({ node, netns: ns, device, layer: 'L2', action: 'arp-reply', summary: `${ip} is-at ${mac}: ${holder} answers; the entry is cached (REACHABLE).`, packet: arp(mac, ownMac) });
    return true;
  }

  /** The packet reaches `who`: the reply ends here; a request is answered by `listen`'s listener, else refused. */
  private arrive(where: { node: string; netns: string; device: string }, listen: (port: number | undefined, protocol: TraceProtocol) => Listener | undefined, who: string): WalkEnd {
    const p = this.packet;
    this.deliveredTtl = p.ttl;
    this.routeAddresses.push(p.dst);
    if (this.reply) {
      this.push({ ...where, layer: 'L4', action: 'deliver', summary: `The ${p.protocol === 'ICMP' ? 'echo reply' : 'SYN-ACK'} reaches ${who}${p.protocol === 'TCP' ? ': the connection is established' : ''}.` });
      return { verdict: 'delivered', reason: 'reply delivered' };
    }
    const listener = listen(p.dstPort, p.protocol);
    const location = locationOf(this.state, where);
    if (p.protocol === 'ICMP') {
      this.push({ ...where, layer: 'L4', action: 'deliver', summary: `${who} receives the echo request (ttl ${p.ttl}) and the kernel answers with an echo reply.` });
      return { verdict: 'delivered', reason: `${who} answers ping`, at: location };
    }
    if (listener) {
      const answer = p.protocol === 'TCP' ? 'answers SYN-ACK' : p.protocol === 'SCTP' ? 'answers INIT-ACK' : 'receives the datagram';
      this.push({ ...where, layer: 'L4', action: 'deliver', summary: `${who}: ${listener.by} listens on ${p.protocol} port ${p.dstPort} and ${answer}.`, rule: `${p.protocol}/${p.dstPort}` });
      return { verdict: 'delivered', reason: `${listener.by} on ${who} accepted ${p.protocol}/${p.dstPort}`, at: location };
    }
    const answer = p.protocol === 'TCP' ? 'the kernel answers RST' : p.protocol === 'SCTP' ? 'the kernel answers ABORT' : 'the kernel answers ICMP port unreachable';
    this.push({ ...where, layer: 'L4', action: 'reset', summary: `Nothing listens on ${p.protocol} port ${p.dstPort} in ${who}: ${answer} (Connection refused).`, rule: `${p.protocol}/${p.dstPort}` });
    return { verdict: 'refused', reason: `nothing listens on ${p.protocol} port ${p.dstPort} in ${who}` };
  }

  /** A blackhole route (calico's own blocks: an address no pod holds) discards the packet before forwarding, without an ICMP error. */
  private blackhole(node: string, route: Route): WalkEnd {
    this.push({ node, netns: 'node', device: '-', layer: 'L3', action: 'drop', summary: `Route lookup for ${this.packet.dst}: ${routeText(route)}. A blackhole route: the kernel discards the packet silently (the client times out).`, rule: routeText(route) });
    return { verdict: 'dropped', reason: `${this.packet.dst} matches the route ${routeText(route)} on ${node}` };
  }

  private noRoute(node: string, netns: string): WalkEnd {
    this.push({ node, netns, device: '-', layer: 'L3', action: 'drop', summary: `No route matches ${this.packet.dst}: Network is unreachable.` });
    return { verdict: 'unreachable', errno: 'ENETUNREACH', reason: `no route to ${this.packet.dst} in ${netns === 'node' ? `node ${node}` : netns}` };
  }

  private tooBig(node: string, netns: string, device: string, mtu: number): WalkEnd {
    this.push({ node, netns, device, layer: 'L3', action: 'drop', summary: `The ${this.packet.length}-byte packet does not fit the MTU ${mtu} of ${device} and DF is set: dropped with ICMP fragmentation needed.`, rule: `mtu ${mtu}` });
    return { verdict: 'dropped', reason: `packet of ${this.packet.length} bytes exceeds the MTU ${mtu} of ${device} on ${node}` };
  }
}

export function routeText(route: Route): string {
  if (route.type === 'blackhole') return `blackhole ${route.dst}${route.proto ? ` proto ${route.proto}` : ''}`;
  const parts = [route.dst];
  if (route.via) parts.push(`via ${route.via}`);
  parts.push(`dev ${route.dev}`);
  if (route.proto) parts.push(`proto ${route.proto}`);
  if (route.scope) parts.push(`scope ${route.scope}`);
  if (route.src) parts.push(`src ${route.src}`);
  if (route.onlink) parts.push('onlink');
  return parts.join(' ');
}

function sameNodePod(state: LabState, node: NodeState, ip: string): PodState | undefined {
  const pod = podByIp(state, ip);
  return pod && pod.node === node.name && !pod.hostNetwork ? pod : undefined;
}

/** The outer UDP source port: the kernel hashes the inner flow (deterministic per 5-tuple). */
export function flowPort(packet: Packet): number {
  let hash = 2166136261;
  for (const ch of `${packet.src}|${packet.dst}|${packet.protocol}|${packet.srcPort ?? 0}|${packet.dstPort ?? 0}`) {
    hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  }
  return 32768 + (hash % 28232);
}

/** A router interface's MAC, stable per address (the lab does not record one). */
function routerMac(_router: RouterState, ip: string): string {
  return macFromIp('02:00', ip);
}

/** Docker-style MAC: a 2-byte prefix and the IPv4 address (the docker bridge's own gateway has 02:42:c0:a8:31:01). */
function macFromIp(prefix: string, ip: string): string {
  return `${prefix}:${ip.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0')).join(':')}`;
}

interface UnderlayOwner {
  mac: string;
  label: string;
  location: Location;
}

/** Who holds an address on the underlay: a node, a router interface, or the segment's gateway to the internet. */
function underlayOwner(state: LabState, ip: string): UnderlayOwner | undefined {
  const node = nodeByIp(state, ip);
  if (node) return { mac: node.mac, label: `node ${node.name}`, location: { kind: 'node', node, inDev: 'eth0' } };
  for (const router of state.routers.values()) {
    const i = router.interfaces.findIndex((iface) => iface.ip === ip);
    if (i >= 0) return { mac: routerMac(router, ip), label: `router ${router.name}`, location: { kind: 'router', router, inDev: `eth${i}` } };
  }
  const address = parseIp(ip)!;
  for (const network of nodeSegments(state)) {
    const segment = parseCidr(network)!;
    if (cidrContains(segment, address) && address === segment.network + 1) {
      return { mac: macFromIp('02:42', ip), label: 'the host gateway', location: { kind: 'internet' } };
    }
  }
  return undefined;
}

function cacheOf(location: Location): string {
  if (location.kind === 'node') return `node ${location.node.name}`;
  if (location.kind === 'router') return `router ${location.router.name}`;
  if (location.kind === 'pod') return `pod ${location.pod.namespace}/${location.pod.name}`;
  return 'internet';
}

function locationOf(state: LabState, where: { node: string; netns: string }): Location | undefined {
  if (where.netns.startsWith('pod ')) {
    const pod = state.pods.get(where.netns.slice(4));
    return pod ? { kind: 'pod', pod } : undefined;
  }
  if (where.netns === 'node') {
    const node = state.nodes.get(where.node);
    return node ? { kind: 'node', node, inDev: 'lo' } : undefined;
  }
  if (where.netns === 'internet') return { kind: 'internet' };
  return undefined;
}

/** The chains a DNAT decision went through after KUBE-SERVICES, e.g. KUBE-SVC-… → KUBE-SEP-… (KUBE-MARK-MASQ left out). */
function chainPath(matched: readonly MatchedRule[], decided: MatchedRule): string[] {
  const path: string[] = [];
  for (const entry of matched) {
    if (entry.chain === 'KUBE-MARK-MASQ' || entry.chain === 'KUBE-SERVICES' || entry.index < 0) continue;
    if (['PREROUTING', 'OUTPUT'].includes(entry.chain)) continue;
    if (path[path.length - 1] !== entry.chain) path.push(entry.chain);
  }
  if (path[path.length - 1] !== decided.chain) path.push(decided.chain);
  return path;
}

function commentOf(rule: Rule): string | undefined {
  const match = rule.matches.find((entry) => entry.kind === 'comment');
  return match?.kind === 'comment' ? match.comment : undefined;
}

/** "default/web:http" from a kube-proxy comment, as the Service's "default/web". */
function serviceOfComment(rule: Rule | undefined): string {
  const comment = rule ? commentOf(rule) : undefined;
  return comment ? comment.split(' ')[0].replace(/:[^/]*$/, '') : 'a Service';
}
