import { applyCommand } from '../model/apply';
import { allowAppToDb, denyAll, labWith, runPod } from './lab-fixtures';
import { trace } from './trace';

function labWithWebService(plugin: 'flannel' | 'calico' = 'flannel') {
  const state = labWith({ cni: { plugin } }, 3);
  runPod(state, 'client', 'busybox', 'minikube', { app: 'app' });
  for (const [i, node] of ['minikube', 'minikube-m02', 'minikube-m03'].entries()) runPod(state, `web-${i}`, 'nginx', node, { app: 'web' });
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] } });
  return state;
}

describe('trace: pod → Service (kube-proxy DNAT)', () => {
  it('a Service with three endpoints: DNAT on the source node to one endpoint, pinned per flow, un-DNATed on the way back', () => {
    const state = labWithWebService();
    const clusterIP = state.services.get('default/web')!.clusterIP;
    const endpoints = ['web-0', 'web-1', 'web-2'].map((name) => state.pods.get(`default/${name}`)!.ip);
    const result = trace(state, { from: 'default/client', to: 'web.default', port: 8080, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const dnat = result.hops.find((hop) => hop.action === 'dnat')!;
    expect(dnat).toMatchObject({ node: 'minikube', layer: 'iptables' });
    expect(dnat.rule).toMatch(/^KUBE-SVC-[A-Z0-9]{16} → KUBE-SEP-[A-Z0-9]{16} DNAT to 10\.244\.\d+\.\d+:80$/);
    const delivered = result.hops.find((hop) => hop.action === 'deliver')!;
    expect(endpoints).toContain(delivered.packet.l3.dst);
    expect(delivered.packet.l4?.dstPort).toBe(80);
    expect(trace(state, { from: 'default/client', to: { service: 'default/web' }, port: 8080, protocol: 'TCP' }).hops.find((hop) => hop.action === 'dnat')!.rule).toBe(dnat.rule);
    const last = result.hops.at(-1)!;
    expect(last.packet.l3.src).toBe(clusterIP);
    expect(last.packet.l4?.srcPort).toBe(8080);
    expect(result.hops.some((hop) => hop.action === 'un-dnat')).toBe(true);
  });

  it('a Service without endpoints is refused by kube-proxy\'s REJECT', () => {
    const state = labWithWebService();
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'empty', selector: { app: 'none' }, ports: [{ port: 80 }] } });
    const result = trace(state, { from: 'default/client', to: 'empty.default', port: 80, protocol: 'TCP' });
    expect(result.verdict).toBe('refused');
    expect(result.hops.at(-1)).toMatchObject({ action: 'reject', layer: 'iptables' });
  });

  it('NetworkPolicy is checked after DNAT, against the endpoint pod', () => {
    const state = labWithWebService('calico');
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    const result = trace(state, { from: 'default/client', to: 'web.default', port: 8080, protocol: 'TCP' });
    expect(result.explanation).toMatch(/ingress to default\/web-\d is isolated by default\/default-deny/);
    applyCommand(state, { type: 'applyNetworkPolicy', policy: { ...allowAppToDb, spec: { ...allowAppToDb.spec, podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ port: 80 }] }] } } });
    const allowed = trace(state, { from: 'default/client', to: 'web.default', port: 8080, protocol: 'TCP' });
    expect(allowed.explanation).toMatch(/^Allowed: no NetworkPolicy selects default\/client for egress; ingress to default\/web-\d is allowed by default\/postgres-allow/);
  });
});
