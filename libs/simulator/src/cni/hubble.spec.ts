import { hubbleFlowLine, securityIdentity, stampMilli } from './hubble';

/** Epoch ms of UTC instants (computed outside: the simulator's code and tests avoid Date). */
const utc = (iso: string) => ({ '2025-03-14T16:53:02.773Z': 1741971182773, '2025-08-06T06:50:26.228Z': 1754463026228 })[iso]!;

describe('hubble observe flow lines', () => {
  it('reproduces the documented lines: a policy drop and a forwarded ping', () => {
    const client = { namespace: 'default', pod: 'client2', port: 49558, identity: 52749 };
    const server = { namespace: 'default', pod: 'server', port: 80, identity: 7156 };
    const at = utc('2025-03-14T16:53:02.773Z');
    expect(hubbleFlowLine({ epochMs: at, source: client, destination: server, direction: '<>', point: 'policy-verdict:none INGRESS', verdict: 'DENIED', summary: 'TCP Flags: SYN' })).toBe(
      'Mar 14 16:53:02.773: default/client2:49558 (ID:52749) <> default/server:80 (ID:7156) policy-verdict:none INGRESS DENIED (TCP Flags: SYN)',
    );
    expect(hubbleFlowLine({ epochMs: at, source: client, destination: server, direction: '<>', point: 'Policy denied', verdict: 'DROPPED', summary: 'TCP Flags: SYN' })).toBe(
      'Mar 14 16:53:02.773: default/client2:49558 (ID:52749) <> default/server:80 (ID:7156) Policy denied DROPPED (TCP Flags: SYN)',
    );
    expect(
      hubbleFlowLine({
        epochMs: utc('2025-08-06T06:50:26.228Z'),
        source: { namespace: 'default', pod: 'curl-pod', identity: 47080 },
        destination: { namespace: 'default', pod: 'netshoot-pod', identity: 47080 },
        direction: '->',
        point: 'to-endpoint',
        verdict: 'FORWARDED',
        summary: 'ICMPv4 EchoRequest',
      }),
    ).toBe('Aug  6 06:50:26.228: default/curl-pod (ID:47080) -> default/netshoot-pod (ID:47080) to-endpoint FORWARDED (ICMPv4 EchoRequest)');
  });

  it('StampMilli agrees with the calendar on leap days, year ends and the epoch', () => {
    expect(stampMilli(0)).toBe('Jan  1 00:00:00.000');
    expect(stampMilli(1709251199999)).toBe('Feb 29 23:59:59.999');
    expect(stampMilli(1798718400005)).toBe('Dec 31 12:00:00.005');
    expect(stampMilli(951872523004)).toBe('Mar  1 01:02:03.004');
  });

  it('identities: the same labels in the same namespace share one, from 256 up; another namespace differs', () => {
    const a = securityIdentity('default', { app: 'web', tier: 'front' });
    expect(securityIdentity('default', { tier: 'front', app: 'web' })).toBe(a);
    expect(a).toBeGreaterThanOrEqual(256);
    expect(a).toBeLessThan(65536);
    expect(securityIdentity('prod', { app: 'web', tier: 'front' })).not.toBe(a);
  });
});
