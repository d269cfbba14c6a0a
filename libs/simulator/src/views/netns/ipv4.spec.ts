import { ipToUint32, netmask, splitCidr, uint32ToIp } from './ipv4';

describe('ipv4 helpers', () => {
  it('splits a CIDR, a bare address being a /32', () => {
    expect(splitCidr('10.244.1.0/24')).toEqual({ address: '10.244.1.0', prefix: 24 });
    expect(splitCidr('10.244.120.65')).toEqual({ address: '10.244.120.65', prefix: 32 });
  });

  it('converts addresses to and from unsigned 32-bit numbers', () => {
    expect(ipToUint32('255.255.255.255')).toBe(0xffffffff);
    expect(ipToUint32('192.168.49.3')).toBe(0xc0a83103);
    expect(uint32ToIp(0xc0a83103)).toBe('192.168.49.3');
    expect(uint32ToIp(0)).toBe('0.0.0.0');
  });

  it.each([
    [0, '0.0.0.0'],
    [8, '255.0.0.0'],
    [16, '255.255.0.0'],
    [24, '255.255.255.0'],
    [26, '255.255.255.192'],
    [31, '255.255.255.254'],
    [32, '255.255.255.255'],
  ])('netmask of /%d is %s', (prefix, mask) => {
    expect(netmask(prefix)).toBe(mask);
  });
});
