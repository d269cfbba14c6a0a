import type { LabState } from './types';
import { SimulatorError } from '../model/errors';
import { broadcastOf, type Cidr, cidrContains, cidrInside, cidrsOverlap, cidrSize, formatCidr, formatIp, parseCidr, parseIp } from '../net/ipv4';

/**
 * Where a new node sits: its address on the node network (minikube's docker network: gateway .1,
 * nodes from .2 up, the last address kept for the HA VIP) and its podCIDR, handed out in order
 * from the cluster CIDR like kube-controller-manager's range allocator.
 */
export function placeNodeIp(state: LabState, requested: string | undefined): { ip: string; network: string } {
  const nodeNetwork = parseCidr(state.cluster.nodeNetwork)!;
  const taken = takenAddresses(state);
  if (requested === undefined) {
    const last = broadcastOf(nodeNetwork) - 2;
    for (let candidate = nodeNetwork.network + 2; candidate <= last; candidate++) {
      if (!taken.has(candidate)) return { ip: formatIp(candidate), network: state.cluster.nodeNetwork };
    }
    throw new SimulatorError('exhausted', `no free address left for a node in the node network ${state.cluster.nodeNetwork}`, 'ip');
  }
  const [address, ownSegment] = requested.includes('/') ? [requested.slice(0, requested.indexOf('/')), parseCidr(requested, false)] : [requested, nodeNetwork];
  const ip = parseIp(address);
  if (ip === undefined || ownSegment === undefined) {
    throw new SimulatorError('invalid', `node ip "${requested}" is not an IPv4 address (a.b.c.d, or a.b.c.d/len on another segment)`, 'ip');
  }
  if (!cidrContains(ownSegment, ip) || ip === ownSegment.network || (ownSegment.prefix < 31 && ip === broadcastOf(ownSegment))) {
    throw new SimulatorError('invalid', `node ip ${address} is not a host address of ${formatCidr(ownSegment)}`, 'ip');
  }
  const holder = taken.get(ip);
  if (holder) throw new SimulatorError('conflict', `node ip ${address} is already used by ${holder}`, 'ip');
  return { ip: address, network: formatCidr(ownSegment) };
}

function takenAddresses(state: LabState): Map<number, string> {
  const taken = new Map<number, string>();
  for (const node of state.nodes.values()) taken.set(parseIp(node.ip)!, `node ${node.name}`);
  for (const router of state.routers.values()) {
    for (const iface of router.interfaces) taken.set(parseIp(iface.ip)!, `router ${router.name}`);
  }
  return taken;
}

export function placePodCidr(state: LabState, requested: string | undefined): string {
  const clusterCidr = parseCidr(state.cluster.podCIDR)!;
  const used = [...state.nodes.values()]
    .map((node) => ({ node: node.name, cidr: parseCidr(node.podCIDR)! }))
    .sort((a, b) => a.cidr.network - b.cidr.network);
  if (requested !== undefined) {
    const cidr = parseCidr(requested);
    if (!cidr) throw new SimulatorError('invalid', `podCIDR "${requested}" is not an IPv4 network address with a prefix length (e.g. 10.244.3.0/24)`, 'podCIDR');
    if (cidr.prefix > 30) throw new SimulatorError('invalid', `podCIDR ${requested}: Network ${requested} too small to allocate from`, 'podCIDR');
    if (!cidrInside(cidr, clusterCidr)) {
      throw new SimulatorError('invalid', `podCIDR ${requested} is not inside the cluster pod CIDR ${state.cluster.podCIDR}`, 'podCIDR');
    }
    const clash = used.find((entry) => cidrsOverlap(entry.cidr, cidr));
    if (clash) throw new SimulatorError('conflict', `podCIDR ${requested} overlaps ${formatCidr(clash.cidr)} of node ${clash.node}`, 'podCIDR');
    return requested;
  }
  const size = 2 ** (32 - state.cluster.nodeCIDRMaskSize);
  const end = broadcastOf(clusterCidr);
  let candidate = clusterCidr.network;
  for (const entry of used) {
    if (candidate + size - 1 < entry.cidr.network) break;
    if (cidrsOverlap({ network: candidate, prefix: state.cluster.nodeCIDRMaskSize }, entry.cidr)) {
      candidate = alignUp(entry.cidr.network + cidrSize(entry.cidr), size);
    }
  }
  if (candidate + size - 1 > end) {
    throw new SimulatorError(
      'exhausted',
      `failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range (${state.cluster.podCIDR}, /${state.cluster.nodeCIDRMaskSize} per node)`,
      'podCIDR',
    );
  }
  return formatCidr({ network: candidate, prefix: state.cluster.nodeCIDRMaskSize });
}

function alignUp(value: number, size: number): number {
  return Math.ceil(value / size) * size;
}

/** flannel host-gw routes via the other nodes' addresses, so every node must share one L2 segment. */
export function checkSameSegment(state: LabState, name: string, network: string): void {
  if (state.cluster.cni.plugin !== 'flannel' || state.cluster.cni.backend !== 'host-gw') return;
  for (const node of state.nodes.values()) {
    if (node.network !== network) {
      throw new SimulatorError(
        'invalid',
        `flannel host-gw needs every node on one L2 segment: node ${name} would be on ${network}, node ${node.name} is on ${node.network} (use the vxlan backend across routers)`,
        'ip',
      );
    }
  }
}

export function segmentOf(node: { ip: string; network: string }): Cidr {
  return parseCidr(node.network)!;
}
