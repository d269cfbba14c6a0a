import { cidrContains, cidrSize, formatCidr, formatIp, parseCidr, parseIp, type Cidr } from '../net/ipv4';
import { Prng } from '../net/prng';

/**
 * calico-ipam (libcalico-go lib/ipam): the pool is cut into /26 blocks; a node claims one with an
 * RNG seeded by its hostname (randomBlockGenerator: a random start, then the next blocks in order),
 * so block addresses look like 10.244.120.64/26, not 10.244.1.0/24. Inside the block ordinals are
 * taken from the front of the unallocated list and a released one goes to its back: round robin
 * from the last address handed out.
 */
export const CALICO_BLOCK_PREFIX = 26;

export function claimCalicoBlock(pool: string, nodeName: string, taken: ReadonlySet<string>): string | undefined {
  const cidr = parseCidr(pool)!;
  const prefix = Math.max(CALICO_BLOCK_PREFIX, cidr.prefix);
  const blockSize = 2 ** (32 - prefix);
  const count = cidrSize(cidr) / blockSize;
  const start = new Prng(`calico-ipam#${nodeName}`).below(count);
  for (let i = 0; i < count; i++) {
    const network = (cidr.network + ((start + i) % count) * blockSize) >>> 0;
    const block = formatCidr({ network, prefix });
    if (!taken.has(block)) return block;
  }
  return undefined;
}

export type CalicoAllocation = { ok: true; ip: string } | { ok: false; reason: 'exhausted' | 'outside' | 'in-use' | 'malformed'; msg: string };

export function allocateInBlock(block: string, inUse: (ip: string) => boolean, last: string, requested?: string): CalicoAllocation {
  const cidr: Cidr = parseCidr(block)!;
  const size = cidrSize(cidr);
  if (requested !== undefined) {
    const ip = parseIp(requested);
    if (ip === undefined) return { ok: false, reason: 'malformed', msg: `failed to parse IP address "${requested}"` };
    if (!cidrContains(cidr, ip)) return { ok: false, reason: 'outside', msg: `the provided IP address ${requested} is not in the node's affine block ${block}` };
    if (inUse(requested)) return { ok: false, reason: 'in-use', msg: `failed to request IP: address ${requested} already assigned in block` };
    return { ok: true, ip: requested };
  }
  const lastIp = parseIp(last);
  const first = lastIp !== undefined && cidrContains(cidr, lastIp) ? lastIp - cidr.network + 1 : 0;
  for (let step = 0; step < size; step++) {
    const ip = formatIp(cidr.network + ((first + step) % size));
    if (!inUse(ip)) return { ok: true, ip };
  }
  return { ok: false, reason: 'exhausted', msg: `failed to request IPv4 addresses: no more free IPs in block ${block}` };
}
