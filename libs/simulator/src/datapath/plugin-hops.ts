/**
 * What the tracer needs per plugin beyond flannel's cni0 (cni/plugin-datapath.ts, datapath-facts
 * §4–6, §9): the bridge pods hang on (cni0 or weave, none for calico/cilium), who answers a pod's
 * first ARP, and the outer header of a packet crossing nodes.
 */
import type { LabState, NodeState, PodState } from '../cluster/types';
import { oncePerVersion } from '../cluster/once-per-version';
import { pluginDatapath, type PluginDatapath } from '../cni/plugin-datapath';
import { deviceAddress } from '../cni/plugin-node';
import { CALICO, WEAVE } from '../cni/plugins';
import { securityIdentity } from '../cni/hubble';
import { formatIp, parseCidr } from '../net/ipv4';
import { podByIp } from './endpoints';
import type { OuterHeader } from './types';

/** pluginDatapath(state), derived once per state version (a trace asks at every tunnel). */
export const labDatapath: (state: LabState) => PluginDatapath = oncePerVersion(pluginDatapath);

export interface PodBridge {
  name: string;
  mac: string;
  ip: string;
}

/** The last answer per node, kept while what it was derived from is the same (every hop on a node asks). */
const bridges = new WeakMap<NodeState, { bridge: NodeState['bridge']; podCIDR: string; plugin: string; pluginNet: NodeState['pluginNet']; devices: number; result: PodBridge | undefined }>();

export function podBridgeOf(state: LabState, node: NodeState): PodBridge | undefined {
  const plugin = state.cluster.cni.plugin;
  const devices = node.pluginNet?.devices.length ?? 0;
  const cached = bridges.get(node);
  if (cached && cached.bridge === node.bridge && cached.podCIDR === node.podCIDR && cached.plugin === plugin && cached.pluginNet === node.pluginNet && cached.devices === devices) return cached.result;
  const result = bridgeOf(plugin, node);
  bridges.set(node, { bridge: node.bridge, podCIDR: node.podCIDR, plugin, pluginNet: node.pluginNet, devices, result });
  return result;
}

function bridgeOf(plugin: string, node: NodeState): PodBridge | undefined {
  if (node.bridge) return { name: node.bridge.name, mac: node.bridge.mac, ip: formatIp(parseCidr(node.podCIDR)!.network + 1) };
  if (plugin !== 'weave') return undefined;
  const device = node.pluginNet?.devices.find((d) => d.name === WEAVE.bridge);
  return device ? { name: device.name, mac: device.mac, ip: deviceAddress(node, WEAVE.bridge)! } : undefined;
}

export interface FirstHop {
  /** 'gateway': the node routes next; 'pod': the frame is switched to the pod that answered; 'peer-bridge': another weave peer's bridge. */
  kind: 'gateway' | 'pod' | 'peer-bridge';
  mac: string;
  holder: string;
  answerer?: { cache: string; requester: string };
  target?: PodState;
  peer?: NodeState;
}

/** Who answers the pod's ARP for `nexthop`: cni0/weave, calico's proxy ARP, cilium's eBPF, or a pod of the same L2 network. */
export function firstHopOf(state: LabState, node: NodeState, pod: PodState, nexthop: string): FirstHop | undefined {
  const plugin = state.cluster.cni.plugin;
  if (plugin === 'calico') {
    if (nexthop !== CALICO.gateway) return undefined;
    return { kind: 'gateway', mac: CALICO.hostMac, holder: `${pod.vethName}, the host side of the veth, by proxy ARP (there is no ${CALICO.gateway} anywhere)`, answerer: { cache: `node ${node.name}`, requester: pod.ip } };
  }
  if (plugin === 'cilium') {
    if (nexthop !== pod.gateway) return undefined;
    return { kind: 'gateway', mac: pod.vethMac!, holder: `eBPF on ${pod.vethName} (cilium's ARP responder for the router IP of cilium_host)` };
  }
  const bridge = podBridgeOf(state, node);
  if (bridge && nexthop === (plugin === 'weave' ? pod.gateway : bridge.ip)) {
    return { kind: 'gateway', mac: bridge.mac, holder: `the bridge ${bridge.name} (the pod's gateway)`, answerer: { cache: `node ${node.name}`, requester: pod.ip } };
  }
  const target = podByIp(state, nexthop);
  if (plugin === 'weave' && !target) {
    // Another peer's bridge address (weave expose) is on the same flat network: its bridge answers across the overlay.
    const peer = [...state.nodes.values()].find((other) => other !== node && deviceAddress(other, WEAVE.bridge) === nexthop);
    const bridgeOfPeer = peer && podBridgeOf(state, peer);
    if (!peer || !bridgeOfPeer) return undefined;
    return { kind: 'peer-bridge', mac: bridgeOfPeer.mac, holder: `the weave bridge of ${peer.name} (across the overlay)`, answerer: { cache: `node ${peer.name}`, requester: pod.ip }, peer };
  }
  if (!target || target.hostNetwork || !target.mac || (target.node !== node.name && plugin !== 'weave')) return undefined;
  const where = target.node === node.name ? (plugin === 'weave' ? 'same node' : 'same node, same /24') : `on ${target.node}: the weave router carries the ARP across the overlay`;
  return { kind: 'pod', mac: target.mac, holder: `pod ${target.namespace}/${target.name} (${where})`, answerer: { cache: `pod ${target.namespace}/${target.name}`, requester: pod.ip }, target };
}

/** The overlay header a plugin wraps a packet in between `node` and `remote` (flow hash as UDP source port). */
export function outerHeader(datapath: PluginDatapath, node: NodeState, remote: NodeState, flowPort: number, source?: PodState): OuterHeader {
  const enc = datapath.encapsulation;
  if (enc.outerProtocol === 'IPIP') return { src: node.ip, dst: remote.ip, protocol: 'IPIP' };
  const vni = enc.vni === 'identity' ? (source ? securityIdentity(source.namespace, source.labels) : 1) : enc.vni;
  return { src: node.ip, dst: remote.ip, protocol: 'UDP', srcPort: flowPort, dstPort: enc.port!, ...(vni !== null ? { vni } : {}) };
}
