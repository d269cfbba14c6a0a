/** Small IPv4 helpers for the routing-table renderers (hot at 5,000 routes; ip-num is slower). */

export function splitCidr(cidr: string): { address: string; prefix: number } {
  const slash = cidr.indexOf('/');
  if (slash < 0) return { address: cidr, prefix: 32 };
  return { address: cidr.slice(0, slash), prefix: Number(cidr.slice(slash + 1)) };
}

export function ipToUint32(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function uint32ToIp(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function netmask(prefix: number): string {
  return uint32ToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}
