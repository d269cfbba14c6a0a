/**
 * The IPv6 link-local address the kernel derives from a MAC (EUI-64, addrgenmode eui64), as
 * `ip a` prints it: fe80::/64 with the universal/local bit flipped and ff:fe in the middle (a
 * leading zero group joins the `::`).
 */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const groups = [((b[0] ^ 2) << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  const shown = groups[0] === 0 ? groups.slice(1) : groups;
  return `fe80::${shown.map((g) => g.toString(16)).join(':')}/64`;
}
