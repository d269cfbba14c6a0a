import type { TraceResult } from '../types';

/**
 * Deterministic round-trip times, derived from the trace instead of a clock: a base of 40 µs,
 * 8 µs per hop and 60 µs per ARP request the packet had to wait for.
 */
export function roundTripMicros(result: TraceResult, withArp: boolean): number {
  const arps = result.hops.filter((hop) => hop.action === 'arp-request').length;
  const hops = result.hops.length - (withArp ? 0 : 2 * arps);
  return 40 + 8 * hops + (withArp ? 60 * arps : 0);
}

/** ping's own formatting of a time in µs: 3 decimals below 1 ms, then 2, 1, none. */
export function pingTime(micros: number): string {
  if (micros >= 100_000) return `${Math.floor(micros / 1000)}`;
  if (micros >= 10_000) return `${Math.floor(micros / 1000)}.${Math.floor((micros % 1000) / 100)}`;
  if (micros >= 1_000) return `${Math.floor(micros / 1000)}.${String(Math.floor((micros % 1000) / 10)).padStart(2, '0')}`;
  return `0.${String(micros).padStart(3, '0')}`;
}

/** Three decimals in ms, as traceroute and the rtt summary print them. */
export function ms3(micros: number): string {
  return (micros / 1000).toFixed(3);
}
