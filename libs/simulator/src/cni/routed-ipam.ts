import type { NodeState } from '../cluster/types';
import { allocateInBlock, claimCalicoBlock, type CalicoAllocation } from '../ipam/calico-ipam';
import { cidrContains, cidrInside, cidrSize, formatCidr, formatIp, parseCidr, parseIp, type Cidr } from '../net/ipv4';
import type { Prng } from '../net/prng';
import { WEAVE } from './plugins';

/**
 * Pod ranges and pod addresses of calico (a /26 block per node, see ipam/calico-ipam), weave (a
 * share of 10.32.0.0/12 per peer, pods on one flat /12) and cilium (cluster-pool: the node's /24,
 * addresses handed out non-sequentially).
 */
export type RoutedNode = Pick<NodeState, 'name' | 'podCIDR' | 'allocated' | 'lastReservedIP'> & { pluginNet?: NodeState['pluginNet'] };

/**
 * weave IPAM: the first peer owns the whole range; each new peer is given the upper half of the
 * largest share it still owns.
 */
export function weaveShare(shares: string[]): string {
  if (shares.length === 0) return WEAVE.range;
  const cidrs = shares.map((share) => parseCidr(share)!);
  const owned = cidrs.map((cidr) => cidrs.reduce((size, other) => (other !== cidr && cidrInside(other, cidr) ? size - cidrSize(other) : size), cidrSize(cidr)));
  let best = 0;
  // On a tie the newest peer gives: 10.32.0.0/12 → 10.40.0.0/13 → 10.44.0.0/14, as real clusters show.
  owned.forEach((size, i) => {
    if (size >= owned[best]) best = i;
  });
  const donor = cidrs[best];
  // The donor keeps the lower half of what it still owns: find its largest free aligned half.
  let half: Cidr = { network: donor.network, prefix: donor.prefix + 1 };
  half = { network: (donor.network + cidrSize(half)) >>> 0, prefix: half.prefix };
  while (cidrs.some((other) => other !== donor && cidrInside(other, donor) && (cidrInside(other, half) || cidrInside(half, other)))) {
    half = { network: donor.network, prefix: half.prefix + 1 };
    half = { network: (donor.network + cidrSize(half)) >>> 0, prefix: half.prefix };
  }
  return formatCidr(half);
}

/** The lowest free address of the node's weave share, skipping what it gave away and the /12's network address. */
export function weaveAddress(node: RoutedNode, others: string[], taken: (ip: string) => boolean): string | undefined {
  const own = parseCidr(node.pluginNet!.podRange)!;
  const given = others.map((share) => parseCidr(share)!).filter((other) => other.prefix > own.prefix && cidrInside(other, own));
  const range = parseCidr(WEAVE.range)!;
  for (let ip = own.network; ip < own.network + cidrSize(own); ip++) {
    const inside = given.find((g) => cidrContains(g, ip));
    if (inside) {
      ip = inside.network + cidrSize(inside) - 1;
      continue;
    }
    if (ip === range.network) continue;
    if (!taken(formatIp(ip))) return formatIp(ip);
  }
  return undefined;
}

/** cilium's router IP or a pod IP: a random free host address of the node's /24. */
export function ciliumAddress(podRange: string, taken: (ip: string) => boolean, prng: Prng): string | undefined {
  const cidr = parseCidr(podRange)!;
  const hosts = cidrSize(cidr) - 2;
  const start = prng.below(hosts);
  for (let i = 0; i < hosts; i++) {
    const ip = formatIp(cidr.network + 1 + ((start + i) % hosts));
    if (!taken(ip)) return ip;
  }
  return undefined;
}

/** The node's affine blocks: the first one and those claimed when it was full. */
export function calicoBlocks(node: Pick<NodeState, 'pluginNet'>): string[] {
  return node.pluginNet ? [node.pluginNet.podRange, ...(node.pluginNet.extraBlocks ?? [])] : [];
}

/**
 * An address from the node's blocks (the last one first, as the allocation goes on there); when all
 * are full calico-ipam claims another block for the node (`claimedBlock`).
 */
export function calicoAddress(node: RoutedNode, pool: string, taken: ReadonlySet<string>, requested?: string): CalicoAllocation & { claimedBlock?: string } {
  const inUse = (ip: string) => node.allocated.has(ip) || node.pluginNet!.devices.some((d) => d.address === `${ip}/32`);
  const blocks = calicoBlocks(node);
  if (requested !== undefined) {
    const block = blocks.find((cidr) => cidrContains(parseCidr(cidr)!, parseIp(requested) ?? -1)) ?? blocks[0];
    return allocateInBlock(block, inUse, node.lastReservedIP, requested);
  }
  let last: CalicoAllocation | undefined;
  for (const block of [...blocks].reverse()) {
    last = allocateInBlock(block, inUse, node.lastReservedIP);
    if (last.ok) return last;
  }
  const claimed = claimCalicoBlock(pool, node.name, taken);
  if (!claimed) return last!;
  return { ...allocateInBlock(claimed, inUse, ''), claimedBlock: claimed };
}
