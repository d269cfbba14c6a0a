import type { PluginDevice } from '@hoplab/events';
import type { LabState, NodeState } from '../cluster/types';
import { CALICO_BLOCK_PREFIX, claimCalicoBlock } from '../ipam/calico-ipam';
import { formatIp, parseCidr } from '../net/ipv4';
import type { Prng } from '../net/prng';
import { SimulatorError } from '../model/errors';
import { FLANNEL_VNI } from './network-config';
import { CALICO, CILIUM, WEAVE } from './plugins';
import { ciliumAddress, weaveShare } from './routed-ipam';

export interface PluginNodeReadyData {
  node: string;
  plugin: LabState['cluster']['cni']['plugin'];
  podRange: string;
  devices: PluginDevice[];
}

/**
 * What the plugin's agent decides when it starts on a node: calico-node claims a block and
 * creates tunl0 / vxlan.calico holding the block's first address; weave joins the IPAM ring with
 * a share and builds its bridge and Open vSwitch datapath; cilium-agent takes a router IP for
 * cilium_host and creates its tunnel and WireGuard devices; flanneld (after a plugin change)
 * creates flannel.1. Returns undefined for plugins with nothing to decide (bridge, flannel host-gw).
 */
export function pluginNodeReady(
  state: LabState,
  node: Pick<NodeState, 'name' | 'ip' | 'podCIDR' | 'nextIfIndex'>,
  prng: Prng,
): PluginNodeReadyData | undefined {
  const { plugin, backend, encryption } = state.cluster.cni;
  let index = node.nextIfIndex;
  const device = (name: string, kind: PluginDevice['kind'], extra: Partial<PluginDevice> = {}): PluginDevice => ({ name, kind, index: index++, mac: prng.mac(), ...extra });
  const others = [...state.nodes.values()].filter((other) => other.name !== node.name && other.pluginNet);
  const ready = (podRange: string, devices: PluginDevice[]): PluginNodeReadyData => ({ node: node.name, plugin, podRange, devices });

  if (plugin === 'calico') {
    const block = claimCalicoBlock(state.cluster.podCIDR, node.name, new Set(others.map((other) => other.pluginNet!.podRange)));
    if (!block) throw new SimulatorError('exhausted', `calico-ipam: no free /${CALICO_BLOCK_PREFIX} block left in the pool ${state.cluster.podCIDR} for node ${node.name}`, 'podCIDR');
    const tunnelAddress = `${formatIp(parseCidr(block)!.network)}/32`;
    const devices: PluginDevice[] = [];
    if (backend === 'ipip' || backend === 'vxlan') devices.push(device(CALICO.tunnelDevice[backend], backend === 'ipip' ? 'ipip' : 'vxlan', { address: tunnelAddress }));
    if (encryption === 'wireguard') devices.push(device(CALICO.wireguardDevice, 'wireguard'));
    return ready(block, devices);
  }
  if (plugin === 'weave') {
    const share = weaveShare(others.map((other) => other.pluginNet!.podRange));
    const range = parseCidr(WEAVE.range)!;
    const first = parseCidr(share)!.network;
    const bridgeIp = formatIp(first === range.network ? first + 1 : first);
    const devices: PluginDevice[] = [];
    if (backend === 'fastdp') {
      devices.push(device('datapath', 'openvswitch'));
      devices.push(device(WEAVE.bridge, 'bridge', { address: `${bridgeIp}/${range.prefix}` }));
      devices.push(device('vethwe-datapath', 'veth', { peer: 'vethwe-bridge', master: 'datapath' }));
      devices.push(device('vethwe-bridge', 'veth', { peer: 'vethwe-datapath', master: WEAVE.bridge }));
      devices.push(device(`vxlan-${WEAVE.fastdpPort}`, 'vxlan', { master: 'datapath' }));
    } else {
      devices.push(device(WEAVE.bridge, 'bridge', { address: `${bridgeIp}/${range.prefix}` }));
      devices.push(device('vethwe-pcap', 'veth', { peer: 'vethwe-bridge' }));
      devices.push(device('vethwe-bridge', 'veth', { peer: 'vethwe-pcap', master: WEAVE.bridge }));
    }
    return ready(share, devices);
  }
  if (plugin === 'cilium') {
    const routerIp = ciliumAddress(node.podCIDR, () => false, prng)!;
    const devices: PluginDevice[] = [device(CILIUM.net, 'veth', { peer: CILIUM.host }), device(CILIUM.host, 'veth', { peer: CILIUM.net, address: `${routerIp}/32` })];
    if (backend === 'vxlan') devices.push(device(CILIUM.vxlanDevice, 'vxlan'));
    if (encryption === 'wireguard') devices.push(device(CILIUM.wireguardDevice, 'wireguard'));
    return ready(node.podCIDR, devices);
  }
  if (plugin === 'flannel' && backend === 'vxlan') {
    const network = parseCidr(node.podCIDR)!.network;
    return ready(node.podCIDR, [device(`flannel.${FLANNEL_VNI}`, 'vxlan', { address: `${formatIp(network)}/32` })]);
  }
  return undefined;
}

/** The address the plugin gave a node device (calico's tunnel address, weave's bridge, cilium_host). */
export function deviceAddress(node: Pick<NodeState, 'pluginNet'>, name: string): string | undefined {
  const address = node.pluginNet?.devices.find((device) => device.name === name)?.address;
  return address?.slice(0, address.indexOf('/'));
}

/** Applies PluginNodeReady to a node (evolve, and decide's draft of a node being added). */
export function applyPluginNode(node: NodeState, data: PluginNodeReadyData): void {
  if (data.plugin === 'flannel') {
    const vtep = data.devices[0];
    node.vtepMac = vtep.mac;
    node.ifIndex = { ...node.ifIndex, vtep: vtep.index };
    delete node.pluginNet;
  } else {
    node.pluginNet = { plugin: data.plugin, podRange: data.podRange, devices: data.devices };
    // calico's tunnel address is the block's first ordinal: pods continue after it.
    const tunnel = data.plugin === 'calico' ? data.devices.find((device) => device.kind !== 'wireguard') : undefined;
    if (tunnel?.address) node.lastReservedIP = tunnel.address.slice(0, tunnel.address.indexOf('/'));
  }
  node.nextIfIndex = Math.max(node.nextIfIndex, ...data.devices.map((device) => device.index + 1));
}
