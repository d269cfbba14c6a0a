import { hash } from 'node:crypto';
import type { CniCall } from '@hoplab/events';
import type { LabState, NodeState } from '../cluster/types';
import { parseCidr } from '../net/ipv4';
import type { Prng } from '../net/prng';
import { networkConfig } from './network-config';
import { CNI_ERR_INTERNAL, type CniRequest } from './operations';
import { deviceAddress } from './plugin-node';
import { CALICO, CILIUM, WEAVE } from './plugins';
import { calicoAddress, calicoBlocks, ciliumAddress, weaveAddress } from './routed-ipam';

/**
 * CNI ADD of calico, weave and cilium: one veth whose host end is named as the plugin names it,
 * no cni0. calico: /32 + default via 169.254.1.1, host end ee:ee:ee:ee:ee:ee with proxy ARP and a
 * /32 route; weave: an address of the flat /12 on the weave bridge, gateway = the local bridge IP;
 * cilium: /32 + default via cilium_host's router IP.
 */
export interface RoutedAttachment {
  containerId: string;
  address: string;
  gateway: string;
  mac: string;
  hostIf: string;
  hostMac: string;
  hostIndex: number;
  netnsId: number;
  claimedBlock?: string;
}

export type RoutedAddOutcome =
  | { ok: true; call: CniCall; attachment: RoutedAttachment }
  | { ok: false; call: CniCall; reason: 'exhausted' | 'outside' | 'in-use' | 'malformed' | 'duplicate' | 'not-ready' };

/** calico's WorkloadEndpoint interface name: "cali" + sha1("<namespace>.<pod>")[:11]. */
export function calicoInterfaceName(namespace: string, name: string): string {
  return `cali${hash('sha1', `${namespace}.${name}`, 'hex').slice(0, 11)}`;
}

/** cilium's Endpoint2IfName: "lxc" + sha256(container id)[:12]. */
export function ciliumInterfaceName(containerId: string): string {
  return `lxc${hash('sha256', containerId, 'hex').slice(0, 12)}`;
}

/** weave's CNI plugin: "vethwepl" + the container id's first 7 characters. */
export function weaveInterfaceName(containerId: string): string {
  return `vethwepl${containerId.slice(0, 7)}`;
}

export function routedAdd(state: LabState, node: NodeState, request: CniRequest & { namespace: string; name: string }, prng: Prng): RoutedAddOutcome {
  const { plugin, stdin } = networkConfig(state, node);
  const cniVersion = String(stdin.cniVersion);
  const call = (exitCode: number, stdout: Record<string, unknown>): CniCall => ({
    plugin,
    command: 'ADD',
    containerId: request.containerId,
    netns: request.netns,
    ifName: request.ifName,
    args: request.args,
    path: '/opt/cni/bin',
    stdin,
    exitCode,
    stdout,
  });
  const fail = (reason: Extract<RoutedAddOutcome, { ok: false }>['reason'], msg: string): RoutedAddOutcome => ({ ok: false, reason, call: call(1, { cniVersion, code: CNI_ERR_INTERNAL, msg }) });
  if (!node.pluginNet) return fail('not-ready', `${plugin} is not running on node ${node.name} yet`);
  for (const key of node.pods) {
    const other = state.pods.get(key);
    if (other?.containerId === request.containerId && other.ip !== '') return fail('duplicate', `container ${request.containerId} already has ${request.ifName}`);
  }
  const requested = request.args.split(';').find((pair) => pair.startsWith('IP='))?.slice(3);
  const cni = state.cluster.cni.plugin;
  const taken = (ip: string) => node.allocated.has(ip);
  let ip: string | undefined;
  let gateway: string;
  let prefix = 32;
  let hostIf: string;
  let hostMac = prng.mac();
  let claimedBlock: string | undefined;
  if (cni === 'calico') {
    const taken = new Set([...state.nodes.values(), node].flatMap((other) => calicoBlocks(other)));
    const allocation = calicoAddress(node, state.cluster.podCIDR, taken, requested);
    if (!allocation.ok) return fail(allocation.reason, allocation.msg);
    ip = allocation.ip;
    claimedBlock = allocation.claimedBlock;
    gateway = CALICO.gateway;
    hostIf = calicoInterfaceName(request.namespace, request.name);
    hostMac = CALICO.hostMac;
  } else if (cni === 'weave') {
    const shares = [...state.nodes.values()].filter((other) => other !== node && other.pluginNet).map((other) => other.pluginNet!.podRange);
    const bridge = deviceAddress(node, WEAVE.bridge)!;
    ip = requested ?? weaveAddress(node, shares, (candidate) => candidate === bridge || taken(candidate) || addressInUse(state, candidate));
    if (!ip) return fail('exhausted', `unable to allocate IP address: no free address in ${node.pluginNet.podRange}`);
    gateway = bridge;
    prefix = parseCidr(WEAVE.range)!.prefix;
    hostIf = weaveInterfaceName(request.containerId);
  } else {
    const router = deviceAddress(node, CILIUM.host)!;
    ip = requested ?? ciliumAddress(node.pluginNet.podRange, (candidate) => candidate === router || taken(candidate), prng);
    if (!ip) return fail('exhausted', `unable to allocate IPv4 address: range ${node.pluginNet.podRange} full`);
    gateway = router;
    hostIf = ciliumInterfaceName(request.containerId);
  }
  if (requested !== undefined && taken(requested)) return fail('in-use', `IP ${requested} is already allocated`);
  const attachment: RoutedAttachment = {
    containerId: request.containerId,
    address: `${ip}/${prefix}`,
    gateway,
    mac: prng.mac(),
    hostIf,
    hostMac,
    hostIndex: node.nextIfIndex,
    netnsId: node.nextNetnsId,
    ...(claimedBlock ? { claimedBlock } : {}),
  };
  const result = {
    cniVersion,
    interfaces: [
      { name: hostIf, ...(cni === 'calico' ? {} : { mac: hostMac }) },
      { name: request.ifName, mac: attachment.mac, sandbox: request.netns },
    ],
    ips: [{ version: '4', ...(cni === 'calico' ? {} : { interface: 1, gateway }), address: attachment.address }],
    dns: {},
  };
  return { ok: true, call: call(0, result), attachment };
}

/** weave's address space is cluster-wide: an address is taken wherever it is. */
function addressInUse(state: LabState, ip: string): boolean {
  for (const node of state.nodes.values()) if (node.allocated.has(ip)) return true;
  return false;
}
