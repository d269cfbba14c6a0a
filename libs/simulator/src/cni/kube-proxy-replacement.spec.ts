import { clusterSpecSchema } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { trace } from '../datapath';
import { applyCommand } from '../model/apply';
import { SimulatorError } from '../model/errors';
import { controllerOccurrences } from '../node-iptables';
import { appPod, terminal, testLab } from '../shell/test-lab';

/** A 2-node cilium lab (kube-proxy replacement or not), web on minikube-m02 exposed as a NodePort, a client on minikube. */
function ciliumLab(kubeProxyReplacement: boolean) {
  const state = testLab({ cni: { plugin: 'cilium', ...(kubeProxyReplacement ? { kubeProxyReplacement } : {}) } }, 2);
  appPod(state, 'web', 'minikube-m02', 'nginx', [{ containerPort: 80, protocol: 'TCP' }]);
  appPod(state, 'client', 'minikube', 'busybox');
  const t = terminal(state);
  expect(t.run('kubectl expose pod web --port 80 --type NodePort').output.exitCode).toBe(0);
  return { state, t };
}

const run = (t: ReturnType<typeof terminal>, line: string) => {
  const output = t.run(line).output;
  expect(output.stderr).toBe('');
  return output.stdout;
};

const agentOf = (state: LabState, node: string) => [...state.pods.values()].find((pod) => pod.node === node && pod.owner?.name === 'cilium')!;

describe("cilium's kube-proxy replacement", () => {
  it('is a cilium setting, chosen when the lab is created', () => {
    expect(clusterSpecSchema.parse({ cni: { plugin: 'cilium', kubeProxyReplacement: true } }).cni).toEqual({ plugin: 'cilium', backend: 'vxlan', encryption: null, kubeProxyReplacement: true });
    expect(clusterSpecSchema.parse({ cni: { plugin: 'cilium', kubeProxyReplacement: false } }).cni).toEqual({ plugin: 'cilium', backend: 'vxlan', encryption: null });
    expect(() => clusterSpecSchema.parse({ cni: { plugin: 'calico', kubeProxyReplacement: true } })).toThrow(/kube-proxy replacement is a setting of cilium, not of calico/);
    const { state } = ciliumLab(true);
    expect(() => applyCommand(state, { type: 'changePlugin', cni: { plugin: 'calico' } })).toThrow(SimulatorError);
  });

  it('runs no kube-proxy: no pod, no DaemonSet, no KUBE-* service chains and no sync in the timeline; cilium writes its CILIUM_* chains', () => {
    const { state, t } = ciliumLab(true);
    expect(run(t, 'kubectl get pods -n kube-system')).not.toContain('kube-proxy');
    expect(run(t, 'kubectl get ds -A')).toBe(
      'NAMESPACE     NAME           DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\n' +
        'kube-system   cilium         2         2         2       2            2           <none>          2s\n' +
        'kube-system   cilium-envoy   2         2         2       2            2           <none>          2s\n',
    );
    const save = run(t, 'minikube ssh -n minikube-m02 -- sudo iptables-save');
    expect(save).not.toMatch(/KUBE-(SERVICES|NODEPORTS|SVC|SEP|PROXY-CANARY|POSTROUTING|MARK-MASQ)/);
    expect(save).toContain(':KUBE-FIREWALL - [0:0]');
    expect(save).toContain('-A FORWARD -m comment --comment "cilium-feeder: CILIUM_FORWARD" -j CILIUM_FORWARD\n');
    expect(save).toContain('-A CILIUM_FORWARD -i lxc+ -m comment --comment "cilium: cluster->any on lxc+ forward accept" -j ACCEPT\n');
    const range = state.nodes.get('minikube-m02')!.pluginNet!.podRange;
    expect(save).toContain(`-A CILIUM_POST_nat -s ${range} ! -d ${range} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE\n`);
    expect(controllerOccurrences(state, 0, state.time + 120_000).filter((o) => o.type === 'KubeProxySynced')).toEqual([]);
  });

  it('without it (minikube\'s manifest) kube-proxy runs next to cilium: both KUBE-* and CILIUM_* chains', () => {
    const { t } = ciliumLab(false);
    expect(run(t, 'kubectl get ds -A')).toContain('kube-system   kube-proxy     2 ');
    const save = run(t, 'minikube ssh -- sudo iptables-save');
    expect(save).toContain('-j KUBE-SERVICES');
    expect(save).toContain(':CILIUM_FORWARD - [0:0]');
  });

  it('a pod to a ClusterIP: the socket LB connects to the backend, so no KUBE-SVC/KUBE-SEP hop and no iptables DNAT', () => {
    const { state } = ciliumLab(true);
    const web = state.pods.get('default/web')!;
    const result = trace(state, { from: 'default/client', to: { service: 'default/web' }, port: 80, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const lb = result.hops[0];
    expect(lb).toMatchObject({ node: 'minikube', netns: 'pod default/client', layer: 'ebpf', action: 'dnat', rule: `lb4 ${state.services.get('default/web')!.clusterIP}:80/TCP => ${web.ip}:80` });
    expect(lb.summary).toContain("cilium's socket LB");
    // Every packet on the wire already carries the backend's address.
    for (const hop of result.hops.slice(1)) if (hop.packet.l3.dst !== web.ip) expect(hop.packet.l3.src).toBe(web.ip);
    expect(result.hops.some((hop) => hop.layer === 'iptables' || /KUBE-/.test(hop.rule ?? ''))).toBe(false);
    expect(result.traversed.filter((rule) => rule.chain.startsWith('KUBE-SVC') || rule.chain.startsWith('KUBE-SEP'))).toEqual([]);
  });

  it('a NodePort from outside: bpf_host translates it on eth0 and SNATs to the node because the backend is on another node', () => {
    const { state } = ciliumLab(true);
    const web = state.pods.get('default/web')!;
    const nodePort = state.services.get('default/web')!.ports[0].nodePort!;
    const result = trace(state, { from: { ip: '203.0.113.7' }, to: { ip: '192.168.49.2' }, port: nodePort, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const ebpf = result.hops.filter((hop) => hop.layer === 'ebpf');
    expect(ebpf.map((hop) => [hop.node, hop.device, hop.action])).toEqual([
      ['minikube', 'eth0', 'dnat'],
      ['minikube', 'eth0', 'snat'],
    ]);
    expect(ebpf[0].rule).toBe(`lb4 0.0.0.0:${nodePort}/TCP => ${web.ip}:80`);
    const arrived = result.hops.find((hop) => hop.action === 'deliver')!;
    expect(arrived.packet.l3).toMatchObject({ src: '192.168.49.2', dst: web.ip });
  });

  it('a Service without backends: connect() fails with No route to host', () => {
    const { state } = ciliumLab(true);
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'empty', selector: { app: 'nobody' }, ports: [{ port: 8080, targetPort: 8080 }] } });
    const result = trace(state, { from: 'default/client', to: { service: 'default/empty' }, port: 8080, protocol: 'TCP' });
    expect(result).toMatchObject({ verdict: 'unreachable', errno: 'EHOSTUNREACH', reason: "service default/empty has no backends (cilium's socket LB)" });
  });

  it('cilium-dbg service list in the agent shows the frontends, NodePorts on the node address and 0.0.0.0', () => {
    const { state, t } = ciliumLab(true);
    const web = state.pods.get('default/web')!;
    const service = state.services.get('default/web')!;
    const coredns = [...state.pods.values()].find((pod) => pod.name.startsWith('coredns-'))!;
    const out = run(t, `kubectl -n kube-system exec ${agentOf(state, 'minikube-m02').name} -- cilium-dbg service list`);
    const nodePort = service.ports[0].nodePort;
    const frontend = (text: string) => text.padEnd(25);
    expect(out).toBe(
      'ID   Frontend                 Service Type   Backend\n' +
        `1    ${frontend('10.96.0.1:443/TCP')}ClusterIP      1 => 192.168.49.2:8443/TCP (active)\n` +
        `2    ${frontend('10.96.0.10:53/UDP')}ClusterIP      1 => ${coredns.ip}:53/UDP (active)\n` +
        `3    ${frontend('10.96.0.10:53/TCP')}ClusterIP      1 => ${coredns.ip}:53/TCP (active)\n` +
        `4    ${frontend('10.96.0.10:9153/TCP')}ClusterIP      1 => ${coredns.ip}:9153/TCP (active)\n` +
        `5    ${frontend(`${service.clusterIP}:80/TCP`)}ClusterIP      1 => ${web.ip}:80/TCP (active)\n` +
        `6    ${frontend(`192.168.49.3:${nodePort}/TCP`)}NodePort       1 => ${web.ip}:80/TCP (active)\n` +
        `7    ${frontend(`0.0.0.0:${nodePort}/TCP`)}NodePort       1 => ${web.ip}:80/TCP (active)\n`,
    );
  });
});
