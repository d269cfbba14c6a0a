import type { ClusterSpec } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import { bridgeName, FLANNEL_VNI, FLANNEL_VXLAN_PORT, podMtu, VXLAN_OVERHEAD } from './network-config';
import { formatIp, parseCidr } from '../net/ipv4';
import { deviceAddress } from './plugin-node';
import { CALICO, CILIUM, WEAVE } from './plugins';

/**
 * What a packet tracer needs to know about the lab's plugin (datapath-facts §3–6, §9), in one
 * place: how a pod reaches its first hop, what crosses nodes (encapsulation, ports, overhead),
 * the MTU, the TTL a ping arrives with, where NetworkPolicy is enforced and who resolves Services.
 *
 * - firstHop 'bridge': the pod ARPs for cni0's .1 (flannel, bridge); same-node pods share the L2
 *   segment and ARP each other.
 * - 'proxy-arp': calico; the pod ARPs for 169.254.1.1 on eth0, the host's cali veth answers with
 *   ee:ee:ee:ee:ee:ee (proxy_arp=1); everything, even same-node traffic, is routed by the node
 *   through the /32 route to the target's cali veth.
 * - 'ebpf': cilium; the pod's gateway is cilium_host's router IP, the ARP is answered by eBPF on
 *   the lxc veth with the lxc MAC; the lxc program redirects to the target endpoint or the tunnel.
 * - 'flat-l2': weave; every pod is on one /12, a pod ARPs for the remote pod itself and the weave
 *   router carries the ARP and the frames over the overlay (no TTL decrement).
 */
export type FirstHop = 'bridge' | 'proxy-arp' | 'ebpf' | 'flat-l2';

export interface Encapsulation {
  kind: 'vxlan' | 'ipip' | 'sleeve' | 'none';
  /** Device that wraps the packet on the sending node (for 'none': eth0, routed via the other node's IP). */
  device: string;
  /** Outer IP protocol: UDP for vxlan/sleeve, IPIP (protocol 4) for ipip. */
  outerProtocol: 'UDP' | 'IPIP' | null;
  port: number | null;
  /** Fixed VNI, or 'identity' when the VNI carries the source security identity (cilium). */
  vni: number | 'identity' | null;
  /** Bytes added to each packet. */
  overhead: number;
}

export interface Encryption {
  kind: 'wireguard' | 'ipsec' | 'nacl';
  /** Device of the encrypted hop (WireGuard), or null when the kernel's XFRM / the router encrypts. */
  device: string | null;
  /** What the wire shows: UDP to a port (WireGuard, sleeve) or ESP (IP protocol 50). */
  wire: { protocol: 'UDP'; port: number } | { protocol: 'ESP' };
}

export interface PluginDatapath {
  plugin: ClusterSpec['cni']['plugin'];
  backend: string | null;
  firstHop: FirstHop;
  encapsulation: Encapsulation;
  encryption: Encryption | null;
  podMtu: number;
  /** TTL a ping sent with 64 arrives with: across nodes and between pods of one node. */
  arrivalTtl: { crossNode: number; sameNode: number };
  policy: { enforced: boolean; where: 'none' | 'host-veth-iptables' | 'weave-npc-iptables' | 'ebpf-endpoint'; chains?: string };
  /** Who resolves ClusterIPs: kube-proxy's iptables rules, or cilium's eBPF with kube-proxy replacement. */
  services: 'kube-proxy' | 'ebpf';
  /** nat chain (or datapath) masquerading pod traffic that leaves the pod network. */
  masquerade: string;
}

export function pluginDatapath(state: LabState): PluginDatapath {
  const { plugin, backend, encryption } = state.cluster.cni;
  const base = { plugin, backend, podMtu: podMtu(state) };
  const none = (device = 'eth0'): Encapsulation => ({ kind: 'none', device, outerProtocol: null, port: null, vni: null, overhead: 0 });
  switch (plugin) {
    case 'calico':
      return {
        ...base,
        firstHop: 'proxy-arp',
        encapsulation:
          backend === 'ipip'
            ? { kind: 'ipip', device: CALICO.tunnelDevice.ipip, outerProtocol: 'IPIP', port: null, vni: null, overhead: CALICO.overhead.ipip }
            : backend === 'vxlan'
              ? { kind: 'vxlan', device: CALICO.tunnelDevice.vxlan, outerProtocol: 'UDP', port: CALICO.vxlanPort, vni: CALICO.vxlanVni, overhead: CALICO.overhead.vxlan }
              : none(),
        encryption: encryption === 'wireguard' ? { kind: 'wireguard', device: CALICO.wireguardDevice, wire: { protocol: 'UDP', port: CALICO.wireguardPort } } : encryption === 'ipsec' ? { kind: 'ipsec', device: null, wire: { protocol: 'ESP' } } : null,
        arrivalTtl: { crossNode: 62, sameNode: 63 },
        policy: { enforced: true, where: 'host-veth-iptables', chains: 'filter cali-FORWARD → cali-from-wl-dispatch / cali-to-wl-dispatch → cali-fw-<cali…> / cali-tw-<cali…> → cali-pi-/cali-po-<policy>' },
        services: 'kube-proxy',
        masquerade: 'cali-nat-outgoing',
      };
    case 'weave':
      return {
        ...base,
        firstHop: 'flat-l2',
        encapsulation:
          backend === 'fastdp'
            ? { kind: 'vxlan', device: `vxlan-${WEAVE.fastdpPort}`, outerProtocol: 'UDP', port: WEAVE.fastdpPort, vni: null, overhead: VXLAN_OVERHEAD }
            : { kind: 'sleeve', device: WEAVE.bridge, outerProtocol: 'UDP', port: WEAVE.sleevePort, vni: null, overhead: VXLAN_OVERHEAD },
        encryption: encryption ? (backend === 'fastdp' ? { kind: 'ipsec', device: null, wire: { protocol: 'ESP' } } : { kind: 'nacl', device: null, wire: { protocol: 'UDP', port: WEAVE.sleevePort } }) : null,
        arrivalTtl: { crossNode: 64, sameNode: 64 },
        policy: { enforced: true, where: 'weave-npc-iptables', chains: 'filter FORWARD → WEAVE-NPC → WEAVE-NPC-INGRESS / WEAVE-NPC-EGRESS (ipsets per policy)' },
        services: 'kube-proxy',
        masquerade: 'WEAVE',
      };
    case 'cilium':
      return {
        ...base,
        firstHop: 'ebpf',
        encapsulation: backend === 'vxlan' ? { kind: 'vxlan', device: CILIUM.vxlanDevice, outerProtocol: 'UDP', port: CILIUM.vxlanPort, vni: 'identity', overhead: CILIUM.overhead.vxlan } : none(),
        encryption: encryption === 'wireguard' ? { kind: 'wireguard', device: CILIUM.wireguardDevice, wire: { protocol: 'UDP', port: CILIUM.wireguardPort } } : encryption === 'ipsec' ? { kind: 'ipsec', device: null, wire: { protocol: 'ESP' } } : null,
        // Cilium 1.17: eBPF redirects skip one decrement in tunnel mode (datapath-facts §9.6).
        arrivalTtl: { crossNode: backend === 'vxlan' ? 63 : 62, sameNode: 63 },
        policy: { enforced: true, where: 'ebpf-endpoint' },
        // minikube's cilium manifest keeps kube-proxy (kube-proxy-replacement: "false"); a lab may replace it.
        services: state.cluster.cni.kubeProxyReplacement ? 'ebpf' : 'kube-proxy',
        masquerade: 'eBPF masquerade (bpf-masq)',
      };
    case 'flannel':
      return {
        ...base,
        firstHop: 'bridge',
        encapsulation: backend === 'vxlan' ? { kind: 'vxlan', device: `flannel.${FLANNEL_VNI}`, outerProtocol: 'UDP', port: FLANNEL_VXLAN_PORT, vni: FLANNEL_VNI, overhead: VXLAN_OVERHEAD } : none(),
        encryption: null,
        arrivalTtl: { crossNode: 62, sameNode: 64 },
        policy: { enforced: false, where: 'none' },
        services: 'kube-proxy',
        masquerade: 'FLANNEL-POSTRTG',
      };
    default:
      return {
        ...base,
        firstHop: 'bridge',
        encapsulation: none(),
        encryption: null,
        arrivalTtl: { crossNode: 62, sameNode: 64 },
        policy: { enforced: false, where: 'none' },
        services: 'kube-proxy',
        masquerade: 'CNI-masquerade',
      };
  }
}

/** The MAC a pod's first ARP resolves to: cni0's, calico's ee:ee:ee:ee:ee:ee, the lxc veth's (cilium); weave pods ARP the target itself. */
export function podGatewayMac(state: LabState, pod: PodState): string | undefined {
  const plugin = state.cluster.cni.plugin;
  if (plugin === 'calico') return CALICO.hostMac;
  if (plugin === 'cilium') return pod.vethMac;
  if (plugin === 'weave') return undefined;
  return state.nodes.get(pod.node)?.bridge?.mac;
}

/** The node address a host → remote pod packet leaves with (datapath-facts §9.8): the tunnel device's, else the node's. */
export function nodeOverlaySource(state: LabState, node: NodeState): string {
  const plugin = state.cluster.cni.plugin;
  if (plugin === 'calico') return deviceAddress(node, CALICO.tunnelDevice[state.cluster.cni.backend ?? ''] ?? '') ?? node.ip;
  if (plugin === 'cilium') return deviceAddress(node, CILIUM.host) ?? node.ip;
  if (plugin === 'weave') return deviceAddress(node, WEAVE.bridge) ?? node.ip;
  if (plugin === 'flannel' && state.cluster.cni.backend === 'vxlan') return formatIp(parseCidr(node.podCIDR)!.network);
  return node.ip;
}

/** The bridge pods hang on, if any (cni0 or weave). */
export function podBridge(state: LabState): string | null {
  const plugin = state.cluster.cni.plugin;
  if (plugin === 'weave') return WEAVE.bridge;
  return plugin === 'calico' || plugin === 'cilium' ? null : bridgeName(state);
}
