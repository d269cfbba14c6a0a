import type { NetworkPolicy } from '../netpol/types';
import { trace } from '../datapath';
import { applyCommand } from '../model/apply';
import { appPod, testLab } from '../shell/test-lab';
import { ciliumPolicyVerdict, endpointPolicy, podIdentity } from './cilium-policy';

function ciliumLab() {
  const state = testLab({ cni: { plugin: 'cilium' } }, 2);
  appPod(state, 'web', 'minikube-m02', 'nginx', [{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
  appPod(state, 'client', 'minikube', 'busybox');
  return state;
}

const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { name, namespace: 'default' }, spec });

describe("cilium's identity-based policy maps", () => {
  it('a label peer selects the identities of the matching pods; named ports and port ranges resolve on the serving pod', () => {
    const state = ciliumLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'UDP', port: 5000, endPort: 5010 }] }] }) });
    const [web, client] = ['web', 'client'].map((name) => state.pods.get(`default/${name}`)!);
    const map = endpointPolicy(state, web);
    expect(map.egress).toBeNull();
    expect(map.ingress!.map((entry) => [entry.protocol, entry.ports, entry.peer.kind])).toEqual([
      ['TCP', { from: 80, to: 80 }, 'selector'],
      ['UDP', { from: 5000, to: 5010 }, 'selector'],
    ]);
    expect(ciliumPolicyVerdict(state, client.ip, web.ip, 'TCP', 80)).toEqual({ allowed: true });
    expect(ciliumPolicyVerdict(state, client.ip, web.ip, 'UDP', 5007)).toEqual({ allowed: true });
    expect(ciliumPolicyVerdict(state, client.ip, web.ip, 'TCP', 81)).toMatchObject({ allowed: false, direction: 'ingress', policies: ['default/web'] });
    // The node's own traffic (reserved:host) reaches its endpoints whatever the policies.
    expect(ciliumPolicyVerdict(state, state.nodes.get('minikube-m02')!.ip, web.ip, 'TCP', 81)).toEqual({ allowed: true, reason: 'localhost' });
  });

  it('an ipBlock matches addresses outside the cluster only, never a pod: the tracer drops such a flow and says why', () => {
    const state = ciliumLab();
    const web = state.pods.get('default/web')!;
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('client-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }) });
    const client = state.pods.get('default/client')!;
    expect(ciliumPolicyVerdict(state, client.ip, '203.0.113.9', 'TCP', 443)).toEqual({ allowed: true });
    expect(ciliumPolicyVerdict(state, client.ip, web.ip, 'TCP', 80)).toMatchObject({ allowed: false, direction: 'egress' });
    const result = trace(state, { from: 'default/client', to: 'default/web', port: 80, protocol: 'TCP' });
    expect(result).toMatchObject({ verdict: 'dropped', reason: 'egress denied by NetworkPolicy default/client-egress: cilium never matches an ipBlock against pod or node IPs' });
    const drop = result.hops.find((hop) => hop.action === 'drop')!;
    expect(drop).toMatchObject({ node: 'minikube', device: client.vethName, layer: 'policy', rule: 'default/client-egress' });
    expect(drop.summary).toContain(`has no entry for default/web (ID:${podIdentity(web)})`);
  });
});
