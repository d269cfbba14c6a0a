import { cidrContainsNetwork, inRange, ipv4Range, parseCidr, parseIPv4 } from './cidr';

describe('cidr', () => {
  it('parses IPv4 addresses, tolerating leading zeros like Go ParseIPSloppy', () => {
    expect(parseIPv4('10.244.1.2')).toBe(0x0af40102);
    expect(parseIPv4('010.0.0.1')).toBe(0x0a000001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '1..2.3', '']) expect(parseIPv4(bad)).toBeNull();
  });

  it('parses CIDRs of both families and clears host bits', () => {
    expect(parseCidr('10.244.1.10/4')).toEqual({ family: 4, network: 0n, prefix: 4 });
    expect(parseCidr('192.168.49.7/24')).toEqual({ family: 4, network: BigInt(0xc0a83100), prefix: 24 });
    expect(parseCidr('2001:db8::1/32')?.family).toBe(6);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '2001:db8::/129', 'x/8', '10.0.0.0/8/8']) {
      expect(parseCidr(bad)).toBeNull();
    }
  });

  it('tells whether a network lies inside another', () => {
    const outer = parseCidr('10.0.0.0/8')!;
    expect(cidrContainsNetwork(outer, parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(cidrContainsNetwork(outer, parseCidr('11.0.0.0/16')!)).toBe(false);
    expect(cidrContainsNetwork(outer, parseCidr('2001:db8::/32')!)).toBe(false);
  });

  it('matches addresses against uint32 ranges, edges included', () => {
    const range = ipv4Range(parseCidr('10.244.1.0/24')!)!;
    expect(inRange(parseIPv4('10.244.1.0')!, range)).toBe(true);
    expect(inRange(parseIPv4('10.244.1.255')!, range)).toBe(true);
    expect(inRange(parseIPv4('10.244.2.0')!, range)).toBe(false);
    expect(ipv4Range(parseCidr('0.0.0.0/0')!)).toEqual({ first: 0, last: 0xffffffff });
    expect(ipv4Range(parseCidr('2001:db8::/32')!)).toBeNull();
  });
});
