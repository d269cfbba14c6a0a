import type { NodeState } from '../cluster/types';
import { broadcastOf, formatIp, parseCidr, parseIp } from '../net/ipv4';

/**
 * host-local IPAM over one node range (containernetworking/plugins backend/allocator): gateway = .1,
 * range .1–(broadcast−1) with the gateway skipped, round robin from last_reserved_ip + 1 with wrap,
 * so a released address is not handed out again before the range has been run through.
 */
export interface HostLocalRange {
  subnet: string;
  gateway: string;
  rangeStart: string;
  rangeEnd: string;
}

export type Allocation =
  | { ok: true; ip: string; prefixLength: number; gateway: string }
  | { ok: false; reason: 'exhausted' | 'outside' | 'in-use' | 'gateway' | 'malformed'; msg: string };

export function hostLocalRange(podCIDR: string): HostLocalRange {
  const subnet = parseCidr(podCIDR)!;
  return {
    subnet: podCIDR,
    gateway: formatIp(subnet.network + 1),
    rangeStart: formatIp(subnet.network + 1),
    rangeEnd: formatIp(broadcastOf(subnet) - 1),
  };
}

/** `RangeSet.String()` as host-local prints it in errors. */
export function rangeSetText(range: HostLocalRange): string {
  return `${range.rangeStart}-${range.rangeEnd}`;
}

export function allocate(node: Pick<NodeState, 'podCIDR' | 'lastReservedIP' | 'allocated'>, requested?: string): Allocation {
  const subnet = parseCidr(node.podCIDR)!;
  const range = hostLocalRange(node.podCIDR);
  const gateway = subnet.network + 1;
  const start = subnet.network + 1;
  const end = broadcastOf(subnet) - 1;
  const ok = (ip: number): Allocation => ({ ok: true, ip: formatIp(ip), prefixLength: subnet.prefix, gateway: range.gateway });

  if (requested !== undefined) {
    const ip = parseIp(requested);
    if (ip === undefined) return { ok: false, reason: 'malformed', msg: `invalid IP address "${requested}"` };
    if (ip === gateway) return { ok: false, reason: 'gateway', msg: `requested ip ${requested} is subnet's gateway` };
    if (ip < start || ip > end) return { ok: false, reason: 'outside', msg: `${requested} not in range set ${rangeSetText(range)}` };
    if (node.allocated.has(requested)) {
      return { ok: false, reason: 'in-use', msg: `requested IP address ${requested} is not available in range set ${rangeSetText(range)}` };
    }
    return ok(ip);
  }

  const last = node.lastReservedIP === '' ? undefined : parseIp(node.lastReservedIP);
  const first = last === undefined || last < start || last >= end ? start : last + 1;
  const size = end - start + 1;
  for (let step = 0; step < size; step++) {
    const candidate = start + ((first - start + step) % size);
    if (candidate !== gateway && !node.allocated.has(formatIp(candidate))) return ok(candidate);
  }
  return {
    ok: false,
    reason: 'exhausted',
    msg: `failed to allocate for range 0: no IP addresses available in range set: ${rangeSetText(range)}`,
  };
}
