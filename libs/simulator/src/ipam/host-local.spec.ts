import { allocate, hostLocalRange } from './host-local';

function node(podCIDR: string, used: string[] = [], lastReservedIP = '') {
  return { podCIDR, lastReservedIP, allocated: new Map(used.map((ip) => [ip, `default/${ip}`])) };
}

describe('host-local IPAM', () => {
  it('given a fresh /24, when allocating, then the first pod gets .2 and the gateway is .1', () => {
    expect(allocate(node('10.244.1.0/24'))).toEqual({ ok: true, ip: '10.244.1.2', prefixLength: 24, gateway: '10.244.1.1' });
    expect(hostLocalRange('10.244.1.0/24')).toEqual({ subnet: '10.244.1.0/24', gateway: '10.244.1.1', rangeStart: '10.244.1.1', rangeEnd: '10.244.1.254' });
  });

  it('given a last reserved address, when allocating, then it continues after it even if lower addresses are free', () => {
    expect(allocate(node('10.244.1.0/24', ['10.244.1.5'], '10.244.1.5'))).toMatchObject({ ip: '10.244.1.6' });
    expect(allocate(node('10.244.1.0/24', [], '10.244.1.9'))).toMatchObject({ ip: '10.244.1.10' });
  });

  it('given the end of the range was reserved last, when allocating, then it wraps to the start skipping the gateway', () => {
    expect(allocate(node('10.244.1.0/24', ['10.244.1.3'], '10.244.1.254'))).toMatchObject({ ip: '10.244.1.2' });
    expect(allocate(node('10.244.1.0/24', ['10.244.1.2'], '10.244.1.254'))).toMatchObject({ ip: '10.244.1.3' });
  });

  it('given every address in use, when allocating, then it fails with host-local\'s message', () => {
    expect(allocate(node('10.0.0.0/30', ['10.0.0.2'], '10.0.0.2'))).toEqual({
      ok: false,
      reason: 'exhausted',
      msg: 'failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.2',
    });
  });

  it('given a requested address, when it is free and in range, then it is honoured regardless of the round robin', () => {
    expect(allocate(node('10.10.10.0/24', [], '10.10.10.40'), '10.10.10.7')).toMatchObject({ ok: true, ip: '10.10.10.7' });
  });

  it('given a requested address, when it is the gateway, outside or taken, then it is refused with the reason', () => {
    expect(allocate(node('10.10.10.0/24'), '10.10.10.1')).toMatchObject({ ok: false, reason: 'gateway', msg: "requested ip 10.10.10.1 is subnet's gateway" });
    expect(allocate(node('10.10.10.0/24'), '10.10.11.5')).toMatchObject({ ok: false, reason: 'outside', msg: '10.10.11.5 not in range set 10.10.10.1-10.10.10.254' });
    expect(allocate(node('10.10.10.0/24'), '10.10.10.255')).toMatchObject({ ok: false, reason: 'outside' });
    expect(allocate(node('10.10.10.0/24', ['10.10.10.7']), '10.10.10.7')).toMatchObject({
      ok: false,
      reason: 'in-use',
      msg: 'requested IP address 10.10.10.7 is not available in range set 10.10.10.1-10.10.10.254',
    });
    expect(allocate(node('10.10.10.0/24'), 'ten')).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
