import { securityIdentity } from '../../cni/hubble';
import { applyCommand } from '../../model/apply';
import { denyAll, labWith, runPod } from '../lab-fixtures';
import { trace } from '../trace';
import { renderHubbleObserve } from './hubble-observe';

/** 2025-03-14T16:53:02.773Z (computed outside: the simulator avoids Date). */
const AT = 1741971182773;

function ciliumLab() {
  const state = labWith({ cni: { plugin: 'cilium', backend: 'vxlan' } }, 3);
  runPod(state, 'client', 'nicolaka/netshoot', 'minikube-m02', { app: 'client' });
  runPod(state, 'server', 'nginx', 'minikube-m03', { app: 'server' });
  return state;
}

describe('renderHubbleObserve', () => {
  const state = ciliumLab();
  const client = `default/client:`;
  const id = (app: string) => `(ID:${securityIdentity('default', { app })})`;

  it('a delivered cross-node SYN: to-overlay on the client node, to-endpoint on the server node; the SYN-ACK with <-', () => {
    const result = trace(state, { from: 'default/client', to: 'default/server', port: 80, protocol: 'TCP' });
    const port = result.hops[0].packet.l4!.srcPort;
    expect(renderHubbleObserve(state, result, AT)).toBe(
      [
        `Mar 14 16:53:02.773: ${client}${port} ${id('client')} -> default/server:80 ${id('server')} to-overlay FORWARDED (TCP Flags: SYN)`,
        `Mar 14 16:53:02.773: ${client}${port} ${id('client')} -> default/server:80 ${id('server')} to-endpoint FORWARDED (TCP Flags: SYN)`,
        `Mar 14 16:53:02.773: ${client}${port} ${id('client')} <- default/server:80 ${id('server')} to-overlay FORWARDED (TCP Flags: SYN, ACK)`,
        `Mar 14 16:53:02.773: ${client}${port} ${id('client')} <- default/server:80 ${id('server')} to-endpoint FORWARDED (TCP Flags: SYN, ACK)`,
        '',
      ].join('\n'),
    );
  });

  it('a policy drop prints the policy verdict and "Policy denied DROPPED" with <>', () => {
    const denied = ciliumLab();
    applyCommand(denied, { type: 'applyNetworkPolicy', policy: denyAll });
    const result = trace(denied, { from: 'default/client', to: 'default/server', port: 80, protocol: 'TCP' });
    const lines = renderHubbleObserve(denied, result, AT).trimEnd().split('\n');
    expect(lines.slice(-2).map((line) => line.replace(/^.*\) (<>|->) /, ''))).toEqual([
      `default/server:80 ${id('server')} policy-verdict:none INGRESS DENIED (TCP Flags: SYN)`,
      `default/server:80 ${id('server')} Policy denied DROPPED (TCP Flags: SYN)`,
    ]);
    expect(lines.slice(-2).every((line) => line.includes(' <> '))).toBe(true);
  });

  it('ping is ICMPv4 EchoRequest / EchoReply without ports; other plugins have no hubble', () => {
    const ping = trace(state, { from: 'default/client', to: 'default/server', protocol: 'ICMP' });
    const out = renderHubbleObserve(state, ping, AT);
    expect(out).toContain(`default/client ${id('client')} -> default/server ${id('server')} to-endpoint FORWARDED (ICMPv4 EchoRequest)`);
    expect(out).toContain(`default/client ${id('client')} <- default/server ${id('server')} to-endpoint FORWARDED (ICMPv4 EchoReply)`);
    const flannel = labWith({}, 1);
    runPod(flannel, 'a', 'nginx');
    expect(renderHubbleObserve(flannel, trace(flannel, { from: 'default/a', to: 'default/a', protocol: 'ICMP' }), AT)).toBe('');
  });
});

describe('renderHubbleObserve with kube-proxy replacement', () => {
  it("a connect() to a ClusterIP: the socket LB's pre-xlate-fwd (the Service, world) and post-xlate-fwd (the backend) events first", () => {
    const state = labWith({ cni: { plugin: 'cilium', backend: 'vxlan', kubeProxyReplacement: true } }, 3);
    runPod(state, 'client', 'nicolaka/netshoot', 'minikube-m02', { app: 'client' });
    runPod(state, 'server', 'nginx', 'minikube-m03', { app: 'server' });
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', selector: { app: 'server' }, ports: [{ port: 8080, targetPort: 80 }] } });
    const result = trace(state, { from: 'default/client', to: { service: 'default/web' }, port: 8080, protocol: 'TCP' });
    const port = result.hops[1].packet.l4!.srcPort;
    const id = (app: string) => `(ID:${securityIdentity('default', { app })})`;
    expect(renderHubbleObserve(state, result, AT).split('\n').slice(0, 3)).toEqual([
      `Mar 14 16:53:02.773: default/client ${id('client')} <> default/web:8080 (world) pre-xlate-fwd TRACED (TCP)`,
      `Mar 14 16:53:02.773: default/client ${id('client')} <> default/server:80 ${id('server')} post-xlate-fwd TRANSLATED (TCP)`,
      `Mar 14 16:53:02.773: default/client:${port} ${id('client')} -> default/server:80 ${id('server')} to-overlay FORWARDED (TCP Flags: SYN)`,
    ]);
  });
});
