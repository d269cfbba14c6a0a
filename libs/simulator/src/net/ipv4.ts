/**
 * IPv4 addresses as unsigned 32-bit numbers: the hot paths (IPAM, 5,000-node route tables) need
 * cheaper arithmetic than ip-num objects. ipv4.spec.ts checks every function against ip-num.
 */
export interface Cidr {
  /** Network address (host bits cleared). */
  network: number;
  prefix: number;
}

/** Parses `text[from, to)` as a dotted quad (no leading zeros, octets ≤ 255) without allocating. */
function parseDottedQuad(text: string, from: number, to: number): number | undefined {
  let value = 0;
  let octets = 0;
  let i = from;
  while (i < to) {
    const start = i;
    let octet = 0;
    while (i < to) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      i++;
    }
    const length = i - start;
    if (length === 0 || length > 3 || octet > 255 || (length > 1 && text.charCodeAt(start) === 48)) return undefined;
    value = value * 256 + octet;
    octets++;
    if (i === to) break;
    if (octets === 4 || text.charCodeAt(i) !== 46) return undefined;
    i++;
    if (i === to) return undefined;
  }
  return octets === 4 ? value : undefined;
}

export function parseIp(text: string): number | undefined {
  return parseDottedQuad(text, 0, text.length);
}

export function formatIp(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatMask(prefix: number): string {
  return formatIp(prefixMask(prefix));
}

/** One or two digits after the slash, at most 32. */
function parsePrefix(text: string, from: number): number | undefined {
  const length = text.length - from;
  if (length < 1 || length > 2) return undefined;
  let prefix = 0;
  for (let i = from; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    prefix = prefix * 10 + digit;
  }
  return prefix > 32 ? undefined : prefix;
}

/** Parses "a.b.c.d/n". With `strict`, host bits must be clear (as Kubernetes and host-local demand). */
export function parseCidr(text: string, strict = true): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseDottedQuad(text, 0, slash);
  const prefix = parsePrefix(text, slash + 1);
  if (address === undefined || prefix === undefined) return undefined;
  const network = (address & prefixMask(prefix)) >>> 0;
  if (strict && network !== address) return undefined;
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function broadcastOf(cidr: Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip <= broadcastOf(cidr);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= broadcastOf(b) && b.network <= broadcastOf(a);
}

/** `inner` lies entirely inside `outer`. */
export function cidrInside(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}
