/**
 * CIDR parsing as Go's netutils.ParseCIDRSloppy does it (leading zeros tolerated, host bits
 * allowed), for both families, plus a uint32 fast path for IPv4 matching on the hot path.
 */
import { Validator, IPv6 } from 'ip-num';

export interface ParsedCidr {
  family: 4 | 6;
  /** Network address, host bits cleared. */
  network: bigint;
  prefix: number;
}

const DECIMAL = /^\d+$/;

/** IPv4 dotted quad to uint32 (sloppy: "010.1.2.3" is 10.1.2.3); null when invalid. */
export function parseIPv4(text: string): number | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  let value = 0;
  for (const octet of octets) {
    if (!DECIMAL.test(octet) || octet.length > 3) return null;
    const n = Number(octet);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  if (!text.includes(':') || !Validator.isValidIPv6String(text)[0]) return null;
  return IPv6.fromString(text).getValue();
}

export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!DECIMAL.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const v4 = parseIPv4(address);
  if (v4 !== null) {
    if (prefix > 32) return null;
    return { family: 4, network: BigInt(v4) & mask(32, prefix), prefix };
  }
  const v6 = parseIPv6(address);
  if (v6 === null || prefix > 128) return null;
  return { family: 6, network: v6 & mask(128, prefix), prefix };
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Whether `inner`'s network address lies in `outer` (net.IPNet.Contains of inner.IP). */
export function cidrContainsNetwork(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family) return false;
  return (inner.network & mask(outer.family === 4 ? 32 : 128, outer.prefix)) === outer.network;
}

/** An IPv4 range as uint32 bounds, for matching addresses without allocation. */
export interface Ipv4Range {
  first: number;
  last: number;
}

export function ipv4Range(cidr: ParsedCidr): Ipv4Range | null {
  if (cidr.family !== 4) return null;
  const first = Number(cidr.network);
  return { first, last: first + 2 ** (32 - cidr.prefix) - 1 };
}

export function inRange(address: number, range: Ipv4Range): boolean {
  return address >= range.first && address <= range.last;
}
