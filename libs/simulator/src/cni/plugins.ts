import type { ClusterSpec } from '@hoplab/events';

/**
 * Facts of the plugins that wire pods without cni0 (datapath-facts §4–6): device names, ports,
 * encapsulation overheads and the MTU each gives the pods on a host interface of `hostMtu`.
 */
export type RoutedPlugin = 'calico' | 'weave' | 'cilium';

export const CALICO = {
  tunnelDevice: { ipip: 'tunl0', vxlan: 'vxlan.calico' } as Record<string, string>,
  vxlanPort: 4789,
  vxlanVni: 4096,
  wireguardDevice: 'wireguard.cali',
  wireguardPort: 51820,
  /** The link-local gateway every calico pod routes through, answered by proxy ARP on the cali veth. */
  gateway: '169.254.1.1',
  hostMac: 'ee:ee:ee:ee:ee:ee',
  overhead: { ipip: 20, vxlan: 50, bgp: 0, wireguard: 60 } as Record<string, number>,
} as const;

export const WEAVE = {
  bridge: 'weave',
  range: '10.32.0.0/12',
  mtu: 1376,
  sleevePort: 6783,
  fastdpPort: 6784,
} as const;

export const CILIUM = {
  host: 'cilium_host',
  net: 'cilium_net',
  vxlanDevice: 'cilium_vxlan',
  vxlanPort: 8472,
  wireguardDevice: 'cilium_wg0',
  wireguardPort: 51871,
  overhead: { vxlan: 50, native: 0, wireguard: 80 } as Record<string, number>,
} as const;

export function isRoutedPlugin(plugin: string): plugin is RoutedPlugin {
  return plugin === 'calico' || plugin === 'weave' || plugin === 'cilium';
}

/** MTU of the pods' eth0 and their host-side veths. */
export function routedPodMtu(cni: ClusterSpec['cni'], hostMtu: number): number {
  if (cni.plugin === 'weave') return WEAVE.mtu;
  if (cni.plugin === 'calico') {
    const overhead = cni.encryption === 'wireguard' ? CALICO.overhead.wireguard : CALICO.overhead[cni.backend ?? 'ipip'];
    return hostMtu - overhead;
  }
  const encryption = cni.encryption === 'wireguard' ? CILIUM.overhead.wireguard : 0;
  return hostMtu - CILIUM.overhead[cni.backend ?? 'vxlan'] - encryption;
}

/** cilium with kubeProxyReplacement: no kube-proxy on the nodes, Services resolved by cilium's eBPF load balancer. */
export function kubeProxyReplaced(cluster: Pick<ClusterSpec, 'cni'>): boolean {
  return cluster.cni.plugin === 'cilium' && cluster.cni.kubeProxyReplacement === true;
}
