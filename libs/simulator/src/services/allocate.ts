import type { LabState } from '../cluster/types';
import { broadcastOf, formatIp, parseCidr, parseIp } from '../net/ipv4';
import type { Prng } from '../net/prng';

export const NODE_PORT_RANGE = { from: 30000, to: 32767 } as const;

export type Allocation<T> = { ok: true; value: T } | { ok: false; reason: 'in-use' | 'outside' | 'exhausted' };

export function clusterIPsInUse(state: LabState): Set<string> {
  const used = new Set<string>();
  for (const service of state.services.values()) if (service.clusterIP !== 'None') used.add(service.clusterIP);
  return used;
}

export function nodePortsInUse(state: LabState): Set<number> {
  const used = new Set<number>();
  for (const service of state.services.values()) for (const port of service.ports) if (port.nodePort !== null) used.add(port.nodePort);
  return used;
}

/**
 * The API server's ClusterIP allocator: a pinned address if free and inside the serviceCIDR (not its
 * network or broadcast address), else a random free one (drawn from the seeded PRNG, then the next free).
 */
export function allocateClusterIP(serviceCIDR: string, used: ReadonlySet<string>, prng: Prng, pinned?: string): Allocation<string> {
  const cidr = parseCidr(serviceCIDR)!;
  const first = cidr.network + 1;
  const last = broadcastOf(cidr) - 1;
  if (pinned !== undefined) {
    const ip = parseIp(pinned);
    if (ip === undefined || ip < first || ip > last) return { ok: false, reason: 'outside' };
    return used.has(pinned) ? { ok: false, reason: 'in-use' } : { ok: true, value: pinned };
  }
  const size = last - first + 1;
  const start = prng.below(size);
  for (let i = 0; i < size; i++) {
    const ip = formatIp(first + ((start + i) % size));
    if (!used.has(ip)) return { ok: true, value: ip };
  }
  return { ok: false, reason: 'exhausted' };
}

/** The NodePort allocator over 30000–32767, same rules. */
export function allocateNodePort(used: ReadonlySet<number>, prng: Prng, pinned?: number): Allocation<number> {
  if (pinned !== undefined) {
    if (pinned < NODE_PORT_RANGE.from || pinned > NODE_PORT_RANGE.to) return { ok: false, reason: 'outside' };
    return used.has(pinned) ? { ok: false, reason: 'in-use' } : { ok: true, value: pinned };
  }
  const size = NODE_PORT_RANGE.to - NODE_PORT_RANGE.from + 1;
  const start = prng.below(size);
  for (let i = 0; i < size; i++) {
    const port = NODE_PORT_RANGE.from + ((start + i) % size);
    if (!used.has(port)) return { ok: true, value: port };
  }
  return { ok: false, reason: 'exhausted' };
}
