import fc from 'fast-check';
import { IPv4, IPv4CidrRange } from 'ip-num';
import { broadcastOf, cidrContains, cidrInside, cidrsOverlap, formatCidr, formatIp, formatMask, parseCidr, parseIp } from './ipv4';

const address = fc.integer({ min: 0, max: 0xffffffff });
const prefix = fc.integer({ min: 0, max: 32 });

describe('ipv4 helpers', () => {
  it('parse and format round-trip like ip-num', () => {
    fc.assert(
      fc.property(address, (value) => {
        const text = formatIp(value);
        expect(text).toBe(IPv4.fromNumber(BigInt(value)).toString());
        expect(parseIp(text)).toBe(value);
      }),
    );
  });

  it('rejects malformed addresses and CIDRs', () => {
    for (const text of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '']) expect(parseIp(text)).toBeUndefined();
    for (const text of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/x', '10.0.0.1/24']) expect(parseCidr(text)).toBeUndefined();
    expect(parseCidr('10.0.0.1/24', false)).toEqual({ network: parseIp('10.0.0.0'), prefix: 24 });
  });

  it('reads any text as the dotted-quad grammar does (four 0-255 octets, no leading zeros, "/0"-"/32")', () => {
    const grammar = (text: string) => /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text)?.slice(1).map(Number);
    const reference = (text: string) => {
      const octets = grammar(text);
      return octets && octets.every((octet) => octet <= 255) ? octets.reduce((value, octet) => value * 256 + octet, 0) : undefined;
    };
    const text = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '/', '3', 'a', ' '), { maxLength: 20 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (candidate) => {
        expect(parseIp(candidate)).toBe(reference(candidate));
        const slash = candidate.indexOf('/');
        const prefix = candidate.slice(slash + 1);
        const address = reference(candidate.slice(0, slash));
        const expected = slash >= 0 && address !== undefined && /^\d{1,2}$/.test(prefix) && Number(prefix) <= 32 ? { network: (address & (Number(prefix) === 0 ? 0 : (0xffffffff << (32 - Number(prefix))) >>> 0)) >>> 0, prefix: Number(prefix) } : undefined;
        expect(parseCidr(candidate, false)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
    for (const valid of ['0.0.0.0', '255.255.255.255', '10.244.1.2', '192.168.49.2']) expect(parseIp(valid)).toBe(reference(valid));
    for (const invalid of ['1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.256', '1.2.3.04', '1.2.3.4 ', '1.2.3.1000']) expect(parseIp(invalid)).toBeUndefined();
  });

  it('computes broadcast, containment and masks like ip-num', () => {
    fc.assert(
      fc.property(address, prefix, address, (base, length, probe) => {
        const cidr = parseCidr(`${formatIp(base)}/${length}`, false)!;
        const range = IPv4CidrRange.fromCidr(formatCidr(cidr));
        expect(formatIp(broadcastOf(cidr))).toBe(range.getLast().toString());
        expect(cidrContains(cidr, probe)).toBe(range.contains(IPv4CidrRange.fromCidr(`${formatIp(probe)}/32`)));
        expect(formatMask(length)).toBe(range.getPrefix().toMask().toString());
      }),
    );
  });

  it('decides overlap and inclusion like ip-num', () => {
    fc.assert(
      fc.property(address, prefix, address, prefix, (a, pa, b, pb) => {
        const x = parseCidr(`${formatIp(a)}/${pa}`, false)!;
        const y = parseCidr(`${formatIp(b)}/${pb}`, false)!;
        const rx = IPv4CidrRange.fromCidr(formatCidr(x));
        const ry = IPv4CidrRange.fromCidr(formatCidr(y));
        expect(cidrsOverlap(x, y)).toBe(rx.isOverlapping(ry) || rx.contains(ry) || ry.contains(rx));
        expect(cidrInside(x, y)).toBe(ry.contains(rx));
      }),
    );
  });
});
