import type { PluginDevice } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import { hostVeth } from '../netns/host-veth';
import { podEth0 } from '../netns/pod-eth0';
import type { FdbEntry, NetInterface, Neighbour, Route } from '../netns/types';
import { cidrContains, parseCidr, parseIp } from '../net/ipv4';
import { podMtu } from './network-config';
import { deviceAddress } from './plugin-node';
import { calicoBlocks } from './routed-ipam';
import { CALICO, CILIUM, WEAVE } from './plugins';

/**
 * The node and pod namespaces of calico, weave and cilium (datapath-facts §4.2–4.3, §5, §6),
 * derived from the devices and addresses the events recorded.
 */
const ETHER_FLAGS = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'];

function pluginDevice(state: LabState, node: NodeState, device: PluginDevice): NetInterface {
  const base = { index: device.index, name: device.name, mac: device.mac, qdisc: 'noqueue', addresses: [] as NetInterface['addresses'] };
  const address = device.address ? [{ cidr: device.address, scope: 'global' as const, label: device.name }] : [];
  const peer = device.peer ? node.pluginNet!.devices.find((other) => other.name === device.peer)?.index : undefined;
  const mtu = state.cluster.mtu;
  switch (device.kind) {
    case 'ipip':
      // tunl0 is the ipip module's fallback device: no peer (@NONE), NOARP.
      return { ...base, kind: 'ipip', mac: '', mtu: podMtu(state), flags: ['NOARP', 'UP', 'LOWER_UP'], state: 'UNKNOWN', qlen: 1000, peerIndex: 0, addresses: address };
    case 'vxlan':
      if (device.name === CILIUM.vxlanDevice) {
        return { ...base, kind: 'vxlan', mtu, flags: ETHER_FLAGS, state: 'UNKNOWN', qlen: 1000, tsoMaxSize: 65536, vxlan: { id: 0, local: '', dev: '', port: CILIUM.vxlanPort, learning: false, ageing: 300, external: true } };
      }
      if (device.master === 'datapath') {
        return { ...base, kind: 'vxlan', mtu: 65535, flags: ETHER_FLAGS, state: 'UNKNOWN', qlen: 1000, master: 'datapath', vxlan: { id: 0, local: '', dev: '', port: WEAVE.fastdpPort, learning: false, ageing: 300, external: true } };
      }
      return { ...base, kind: 'vxlan', mtu: podMtu(state), flags: ETHER_FLAGS, state: 'UNKNOWN', qlen: 1000, addresses: address, vxlan: { id: CALICO.vxlanVni, local: node.ip, dev: 'eth0', port: CALICO.vxlanPort, learning: false, ageing: 300 } };
    case 'wireguard':
      return { ...base, kind: 'wireguard', mac: '', mtu: mtu - (device.name === CILIUM.wireguardDevice ? 80 : 60), flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'], qdisc: 'noqueue', state: 'UNKNOWN', qlen: 1000 };
    case 'openvswitch':
      return { ...base, kind: 'openvswitch', mtu: WEAVE.mtu, flags: ['BROADCAST', 'MULTICAST', 'PROMISC', 'UP', 'LOWER_UP'], state: 'UNKNOWN', qlen: 1000 };
    case 'bridge':
      return { ...base, kind: 'bridge', mtu: WEAVE.mtu, flags: ETHER_FLAGS, state: 'UP', qlen: 1000, addresses: address };
    default: {
      const noarp = device.name.startsWith('cilium_') ? ['BROADCAST', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP'] : ETHER_FLAGS;
      return {
        ...base,
        kind: 'veth',
        mtu: node.pluginNet!.plugin === 'weave' ? WEAVE.mtu : mtu,
        flags: noarp,
        state: 'UP',
        qlen: 1000,
        ...(device.master ? { master: device.master } : {}),
        ...(peer !== undefined ? { peerIndex: peer } : {}),
        addresses: address,
      };
    }
  }
}

/** The plugin's own devices and one host-side veth per pod, unsorted. */
export function routedNodeInterfaces(state: LabState, node: NodeState, pods: PodState[]): NetInterface[] {
  const interfaces = (node.pluginNet?.devices ?? []).map((device) => pluginDevice(state, node, device));
  const weave = state.cluster.cni.plugin === 'weave';
  for (const pod of pods) interfaces.push(hostVeth(state, pod, podEth0Index(state), weave ? WEAVE.bridge : undefined));
  return interfaces;
}

function tunnelAddress(node: NodeState): string | undefined {
  const tunnel = node.pluginNet?.devices.find((device) => device.kind === 'ipip' || (device.kind === 'vxlan' && device.address));
  return tunnel?.address?.slice(0, tunnel.address.indexOf('/'));
}

/** Routes beyond eth0's, docker0's and the default one. */
export function routedNodeRoutes(state: LabState, node: NodeState, pods: PodState[]): Route[] {
  const { plugin, backend } = state.cluster.cni;
  const net = node.pluginNet;
  if (!net) return [];
  const routes: Route[] = [];
  if (plugin === 'calico') {
    // BIRD programs the block routes with IPIP and BGP; Felix with VXLAN (protocol 80).
    const proto = backend === 'vxlan' ? '80' : 'bird';
    for (const block of calicoBlocks(node)) routes.push({ dst: block, dev: 'blackhole', type: 'blackhole', proto });
    for (const pod of pods) routes.push({ dst: `${pod.ip}/32`, dev: pod.vethName!, scope: 'link' });
    for (const other of state.nodes.values()) {
      if (other === node || !other.pluginNet) continue;
      for (const block of calicoBlocks(other)) {
        if (backend === 'ipip') routes.push({ dst: block, via: other.ip, dev: CALICO.tunnelDevice.ipip, proto, onlink: true });
        else if (backend === 'vxlan') routes.push({ dst: block, via: tunnelAddress(other)!, dev: CALICO.tunnelDevice.vxlan, proto, onlink: true });
        else routes.push({ dst: block, via: other.ip, dev: 'eth0', proto });
      }
    }
  } else if (plugin === 'weave') {
    routes.push({ dst: WEAVE.range, dev: WEAVE.bridge, proto: 'kernel', scope: 'link', src: deviceAddress(node, WEAVE.bridge)! });
  } else if (plugin === 'cilium') {
    const router = deviceAddress(node, CILIUM.host)!;
    routes.push({ dst: net.podRange, via: router, dev: CILIUM.host, proto: 'kernel', src: router });
    routes.push({ dst: `${router}/32`, dev: CILIUM.host, proto: 'kernel', scope: 'link' });
    for (const other of state.nodes.values()) {
      if (other === node || !other.pluginNet) continue;
      if (backend === 'native') routes.push({ dst: other.pluginNet.podRange, via: other.ip, dev: 'eth0', proto: 'kernel' });
      else routes.push({ dst: other.pluginNet.podRange, via: router, dev: CILIUM.host, proto: 'kernel', src: router, mtu: podMtu(state) });
    }
  }
  return routes;
}

/** calico VXLAN: Felix's static neighbour entry per remote VTEP (like flannel.1's). */
export function routedNodeNeighbours(state: LabState, node: NodeState): Neighbour[] {
  if (state.cluster.cni.plugin !== 'calico' || state.cluster.cni.backend !== 'vxlan') return [];
  const neighbours: Neighbour[] = [];
  for (const other of state.nodes.values()) {
    const vtep = other.pluginNet?.devices.find((device) => device.name === CALICO.tunnelDevice.vxlan);
    if (other === node || !vtep) continue;
    neighbours.push({ ip: tunnelAddress(other)!, dev: vtep.name, mac: vtep.mac, state: 'PERMANENT' });
  }
  return neighbours;
}

/** calico VXLAN's static FDB entries; the weave bridge's ports. */
export function routedNodeFdb(state: LabState, node: NodeState, pods: PodState[]): FdbEntry[] {
  const fdb: FdbEntry[] = [];
  if (state.cluster.cni.plugin === 'calico' && state.cluster.cni.backend === 'vxlan') {
    for (const other of state.nodes.values()) {
      const vtep = other.pluginNet?.devices.find((device) => device.name === CALICO.tunnelDevice.vxlan);
      if (other !== node && vtep) fdb.push({ mac: vtep.mac, dev: vtep.name, dst: other.ip, self: true, state: 'permanent' });
    }
  }
  if (state.cluster.cni.plugin === 'weave') {
    for (const pod of pods) {
      fdb.push({ mac: pod.mac!, dev: pod.vethName!, master: WEAVE.bridge, state: '' }, { mac: pod.vethMac!, dev: pod.vethName!, master: WEAVE.bridge, state: 'permanent' });
    }
  }
  return fdb;
}

/**
 * With calico's IPIP the node has the ipip module loaded, so every new netns (each pod's) gets the
 * module's fallback tunl0 at index 2, down, and the pod's eth0 comes later, as index 4 (OBS).
 */
function usesIpipModule(state: LabState): boolean {
  return state.cluster.cni.plugin === 'calico' && state.cluster.cni.backend === 'ipip';
}

export function podEth0Index(state: LabState): number {
  return usesIpipModule(state) ? 4 : 2;
}

/** The pod's interfaces after lo. */
export function routedPodInterfaces(state: LabState, pod: PodState): NetInterface[] {
  const fallbackTunnel: NetInterface[] = usesIpipModule(state)
    ? [{ index: 2, name: 'tunl0', kind: 'ipip', mac: '', mtu: 1480, flags: ['NOARP'], qdisc: 'noop', state: 'DOWN', qlen: 1000, peerIndex: 0, addresses: [] }]
    : [];
  return [...fallbackTunnel, podEth0(state, pod, podEth0Index(state), state.cluster.cni.plugin === 'weave')];
}

/** calico/cilium: a link-scope route to the gateway and the default through it; weave: the connected /12 and the default. */
export function routedPodRoutes(state: LabState, pod: PodState): Route[] {
  if (state.cluster.cni.plugin === 'weave') {
    return [
      { dst: 'default', via: pod.gateway, dev: 'eth0' },
      { dst: WEAVE.range, dev: 'eth0', proto: 'kernel', scope: 'link', src: pod.ip },
    ];
  }
  return [
    { dst: 'default', via: pod.gateway, dev: 'eth0' },
    { dst: `${pod.gateway}/32`, dev: 'eth0', scope: 'link' },
  ];
}

/**
 * The plugin's routes of `node` that contain `ip` (for a tracer's longest-prefix lookup next to
 * eth0's, docker0's and the default route): the blackhole and /32s of calico, remote blocks or
 * node CIDRs, weave's /12, cilium_host's routes.
 */
export function routedRouteCandidates(state: LabState, node: NodeState, ip: string): Route[] {
  const address = parseIp(ip);
  if (address === undefined) return [];
  const owner = node.allocated.get(ip);
  const pod = owner === undefined ? undefined : state.pods.get(owner);
  return routedNodeRoutes(state, node, pod && pod.vethIndex !== undefined && !pod.hostNetwork ? [pod] : []).filter((route) => {
    const cidr = parseCidr(route.dst, false);
    return cidr !== undefined && cidrContains(cidr, address);
  });
}
