/**
 * IPv4 as uint32, for the hot paths of rule parsing and rendering (hundreds of thousands of rules):
 * ip-num is too slow there.
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Prefix length of a contiguous netmask, or undefined for a non-contiguous one. */
export function maskToPrefix(mask: number): number | undefined {
  for (let prefix = 0; prefix <= 32; prefix++) if (prefixMask(prefix) === mask) return prefix;
  return undefined;
}

/** "a.b.c.d", "a.b.c.d/len" or "a.b.c.d/m.m.m.m" → masked address and prefix, as iptables stores it. */
export function parseIPv4Network(text: string): { address: number; prefix: number } | undefined {
  const slash = text.indexOf('/');
  const address = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const maskText = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(maskText) && Number(maskText) <= 32) prefix = Number(maskText);
    else {
      const mask = parseIPv4(maskText);
      const fromMask = mask === undefined ? undefined : maskToPrefix(mask);
      if (fromMask === undefined) return undefined;
      prefix = fromMask;
    }
  }
  return { address: (address & prefixMask(prefix)) >>> 0, prefix };
}
