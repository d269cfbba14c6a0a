import { applyCommand } from '../model/apply';
import { SimulatorError } from '../model/errors';
import { allowAppToDb, denyAll, labWith, minikubeFlannel, runPod, twoVmsRouter } from './lab-fixtures';
import { NEIGHBOUR_FRESH_MS } from './neighbour-cache';
import { trace } from './trace';
import type { Hop } from './types';

const forward = (hops: Hop[]) => hops.slice(0, hops.findIndex((hop) => hop.action === 'conntrack') >>> 0);
const actions = (hops: Hop[]) => hops.map((hop) => hop.action);

describe('trace: minikube with flannel (VXLAN) across nodes', () => {
  const state = minikubeFlannel();
  const app = state.pods.get('default/app')!;
  const db = state.pods.get('default/db')!;
  const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });

  it('is delivered to postgres with ttl 62 (two routed hops) and the SYN-ACK comes back', () => {
    expect(result.verdict).toBe('delivered');
    expect(result.deliveredTtl).toBe(62);
    expect(result.hops.at(-1)).toMatchObject({ netns: 'pod default/app', action: 'deliver' });
    expect(result.hops.at(-1)!.summary).toContain('connection is established');
    expect(result.hops.map((hop) => hop.index)).toEqual(result.hops.map((_, i) => i));
  });

  it('ARPs only for the gateway cni0 in the pod, and the node only for the underlay next hop', () => {
    const requests = forward(result.hops).filter((hop) => hop.action === 'arp-request');
    expect(requests.map((hop) => [hop.netns, hop.device, hop.summary])).toEqual([
      ['pod default/app', 'eth0', 'ARP who-has 10.244.1.1? broadcast on eth0.'],
      ['node', 'eth0', `ARP who-has ${db.node === 'minikube-m03' ? '192.168.49.4' : ''}? broadcast on eth0.`],
      ['node', 'cni0', `ARP who-has ${db.ip}? broadcast on cni0.`],
    ]);
  });

  it('encapsulates in VXLAN: outer node IPs, UDP 8472, VNI 1, with static neigh/FDB and no overlay ARP', () => {
    const encap = result.hops.find((hop) => hop.action === 'encapsulate')!;
    expect(encap).toMatchObject({ node: 'minikube-m02', device: 'flannel.1', layer: 'encap' });
    expect(encap.packet.outer).toMatchObject({ src: '192.168.49.3', dst: '192.168.49.4', protocol: 'UDP', dstPort: 8472, vni: 1 });
    expect(encap.packet.l3).toMatchObject({ src: app.ip, dst: db.ip, ttl: 63 });
    const neigh = result.hops.find((hop) => hop.action === 'neigh-lookup')!;
    expect(neigh.rule).toMatch(/^10\.244\.2\.0 dev flannel\.1 lladdr [0-9a-f:]{17} PERMANENT$/);
    expect(result.hops.find((hop) => hop.action === 'fdb-lookup')!.rule).toMatch(/ dev flannel\.1 dst 192\.168\.49\.4 self permanent$/);
    expect(result.hops.find((hop) => hop.action === 'decapsulate')).toMatchObject({ node: 'minikube-m03', device: 'flannel.1' });
  });

  it('routes by the node tables and records the traceroute addresses', () => {
    const routes = forward(result.hops).filter((hop) => hop.action === 'route').map((hop) => [hop.netns, hop.rule]);
    expect(routes).toEqual([
      ['pod default/app', '10.244.0.0/16 via 10.244.1.1 dev eth0'],
      ['node', '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink'],
      ['node', '10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1'],
    ]);
    expect(result.routeAddresses).toEqual(['10.244.1.1', '10.244.2.0', db.ip]);
  });

  it('a second trace within the neighbour lifetime sends no ARP; after it, ARP again', () => {
    const again = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }, { neighbours: result.learned, now: 10_000 });
    expect(actions(again.hops)).not.toContain('arp-request');
    expect(actions(again.hops)).toContain('neigh-cache');
    const later = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }, { neighbours: result.learned, now: NEIGHBOUR_FRESH_MS + 1 });
    expect(actions(later.hops)).toContain('arp-request');
  });

  it('the reply needs no ARP: each node learned the requester from the ARP request it answered', () => {
    const reply = result.hops.slice(result.hops.findIndex((hop) => hop.action === 'conntrack'));
    expect(actions(reply)).not.toContain('arp-request');
    expect(reply.find((hop) => hop.action === 'encapsulate')!.packet.outer).toMatchObject({ src: '192.168.49.4', dst: '192.168.49.3' });
  });

  it('flannel stores NetworkPolicy without enforcing it and says so on the hop that would deny', () => {
    const withPolicy = minikubeFlannel();
    applyCommand(withPolicy, { type: 'applyNetworkPolicy', policy: denyAll });
    const seq = withPolicy.version;
    const traced = trace(withPolicy, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(traced.verdict).toBe('delivered');
    const hop = traced.hops.find((h) => h.action === 'policy-not-enforced')!;
    expect(hop).toMatchObject({ node: 'minikube-m03', layer: 'policy', rule: 'default/default-deny', causedBy: seq });
    expect(hop.summary).toContain('would be denied by default-deny if the CNI enforced NetworkPolicy');
    expect(traced.explanation).toContain('would be denied by default-deny if the CNI enforced NetworkPolicy');
  });

  it('a closed port is refused with RST and nothing comes back', () => {
    const refused = trace(state, { from: 'default/db', to: 'default/app', port: 80, protocol: 'TCP' });
    expect(refused.verdict).toBe('refused');
    expect(refused.hops.at(-1)).toMatchObject({ action: 'reset', netns: 'pod default/app' });
    expect(actions(refused.hops)).not.toContain('conntrack');
  });

  it('UDP to a closed port is refused (ICMP port unreachable); ICMP gets an echo reply', () => {
    expect(trace(state, { from: 'default/app', to: 'default/db', port: 53, protocol: 'UDP' }).verdict).toBe('refused');
    const ping = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' });
    expect(ping.verdict).toBe('delivered');
    expect(ping.deliveredTtl).toBe(62);
  });

  it('SCTP: a declared SCTP containerPort answers INIT-ACK across the overlay, a closed one ABORT (refused)', () => {
    const lab = minikubeFlannel();
    applyCommand(lab, { type: 'createPod', namespace: 'default', name: 'sctp', nodeName: 'minikube-m03', labels: {}, containers: [{ name: 'c', image: 'example/sctp', ports: [{ containerPort: 9899, protocol: 'SCTP' }] }] });
    const open = trace(lab, { from: 'default/app', to: 'default/sctp', port: 9899, protocol: 'SCTP' });
    expect(open.verdict).toBe('delivered');
    expect(open.deliveredTtl).toBe(62);
    expect(open.hops.at(-1)).toMatchObject({ action: 'deliver', rule: 'SCTP/9899', summary: expect.stringContaining('answers INIT-ACK') });
    expect(open.hops.find((hop) => hop.action === 'encapsulate')!.packet.outer).toMatchObject({ protocol: 'UDP', dstPort: 8472 });
    const closed = trace(lab, { from: 'default/app', to: 'default/sctp', port: 9900, protocol: 'SCTP' });
    expect(closed.verdict).toBe('refused');
    expect(closed.hops.at(-1)!.summary).toContain('the kernel answers ABORT (Connection refused)');
  });

  it('to the internet: default route, FLANNEL-POSTRTG masquerade, and the reply un-NATed', () => {
    const out = trace(state, { from: 'default/app', to: { ip: '93.184.216.34' }, port: 443, protocol: 'TCP' });
    expect(out.verdict).toBe('delivered');
    const snat = out.hops.find((hop) => hop.action === 'snat')!;
    expect(snat).toMatchObject({ node: 'minikube-m02', rule: 'FLANNEL-POSTRTG MASQUERADE' });
    expect(out.hops.find((hop) => hop.action === 'arp-request' && hop.device === 'eth0' && hop.netns === 'node')!.summary).toContain('192.168.49.1');
    expect(out.hops.find((hop) => hop.action === 'un-snat')!.summary).toContain(app.ip);
  });

  it('a node reaches a remote pod from its flannel.1 address (10.244.X.0)', () => {
    const fromNode = trace(state, { from: { node: 'minikube' }, to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(fromNode.verdict).toBe('delivered');
    expect(fromNode.hops[0].packet.l3.src).toBe('10.244.0.0');
    expect(fromNode.deliveredTtl).toBe(63);
  });

  it('a packet larger than the pod MTU (1450) is dropped at eth0', () => {
    const big = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP', size: 1451 });
    expect(big.verdict).toBe('dropped');
    expect(big.hops.at(-1)).toMatchObject({ action: 'drop', rule: 'mtu 1450', device: 'eth0' });
  });

  it('refuses unknown pods and a missing port', () => {
    expect(() => trace(state, { from: 'default/nope', to: 'default/db', port: 1, protocol: 'TCP' })).toThrow(SimulatorError);
    expect(() => trace(state, { from: 'default/app', to: 'default/db', protocol: 'TCP' })).toThrow('port must be between 1 and 65535');
  });
});

describe('trace: same node on flannel', () => {
  it('pods on one bridge ARP each other directly and keep ttl 64 (bridged, not routed)', () => {
    const state = labWith({}, 1);
    runPod(state, 'a', 'busybox');
    runPod(state, 'b', 'nginx');
    const result = trace(state, { from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP' });
    const b = state.pods.get('default/b')!;
    expect(result.verdict).toBe('delivered');
    expect(result.deliveredTtl).toBe(64);
    expect(forward(result.hops).find((hop) => hop.action === 'arp-request')!.summary).toBe(`ARP who-has ${b.ip}? broadcast on eth0.`);
    expect(actions(forward(result.hops))).toEqual(['route', 'arp-request', 'arp-reply', 'send', 'veth-transit', 'bridge-forward', 'veth-transit', 'deliver']);
  });
});

describe("trace: the seed's two VMs and a router (bridge plugin)", () => {
  it('pod1 on vm1 → pod3 on vm2 follows the nine steps in their real semantics', () => {
    const state = twoVmsRouter();
    const pod3 = state.pods.get('default/pod3')!;
    const result = trace(state, { from: 'default/pod1', to: 'default/pod3', port: 80, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const steps = forward(result.hops).map((hop) => `${hop.node} ${hop.netns} ${hop.device} ${hop.action}`);
    expect(steps).toEqual([
      'vm1 pod default/pod1 eth0 route', // 1. leaves pod 1's netns through eth0 (default via the bridge)
      'vm1 pod default/pod1 eth0 arp-request', // 4. the ARP is for the gateway, not for pod 3
      'vm1 pod default/pod1 eth0 arp-reply',
      'vm1 pod default/pod1 eth0 send',
      'vm1 node veth' + result.hops[4].device.slice(4) + ' veth-transit', // 2. into the root netns through the veth
      'vm1 node cni0 bridge-local', // 3. the bridge, which routes as the gateway
      'vm1 node eth0 route', // 5. no local owner of 10.10.11.x: route via the router on eth0
      'vm1 node eth0 snat', // the bridge plugin's ipMasq: traffic leaving the node's pod subnet is masqueraded
      'vm1 node eth0 arp-request',
      'vm1 node eth0 arp-reply',
      'vm1 node eth0 send',
      'router router router eth0 receive', // 6. the router: 10.10.11.0/24 via 172.16.100.2
      'router router router eth0 route',
      'router router router eth0 arp-request',
      'router router router eth0 arp-reply',
      'router router router eth0 send',
      'vm2 node cni0 route', // 7. server 2's eth0 → its bridge
      'vm2 node cni0 arp-request', // 8. the bridge ARPs and finds pod 3 behind its veth
      'vm2 node cni0 arp-reply',
      'vm2 node cni0 bridge-forward',
      'vm2 pod default/pod3 eth0 veth-transit', // 9. through the veth into pod 3
      'vm2 pod default/pod3 eth0 deliver',
    ]);
    expect(result.hops.find((hop) => hop.node === 'router' && hop.action === 'route')!.rule).toBe('10.10.11.0/24 via 172.16.100.2 dev eth0');
    expect(result.deliveredTtl).toBe(61);
    expect(result.routeAddresses).toEqual(['10.10.10.1', '172.16.100.254', '172.16.100.2', pod3.ip]);
    expect(result.hops.at(-1)!.summary).toContain('connection is established');
  });
});

describe('trace: a plugin that enforces NetworkPolicy (calico) — the seed: deny-all, then allow app → db 5432', () => {
  function calicoLab() {
    const state = labWith({ cni: { plugin: 'calico' } }, 1);
    runPod(state, 'app', 'nicolaka/netshoot', undefined, { app: 'app' });
    runPod(state, 'db', 'postgres', undefined, { app: 'database' });
    return state;
  }

  it('without policies the connection is established and the hops say no policy selects the pods', () => {
    const result = trace(calicoLab(), { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    expect(result.hops.filter((hop) => hop.layer === 'policy').map((hop) => hop.action)).toEqual(['policy-allow', 'policy-allow']);
  });

  it('deny-all drops the SYN at the destination with the policy and the event that applied it', () => {
    const state = calicoLab();
    const [applied] = applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('dropped');
    expect(result.hops.at(-1)).toMatchObject({ layer: 'policy', action: 'drop', rule: 'default/default-deny', causedBy: applied.seq });
    expect(result.reason).toBe('ingress denied by NetworkPolicy default/default-deny: no rule allows TCP/5432');
    expect(result.explanation).toContain('ingress to default/db is isolated by default/default-deny');
  });

  it('allowing app → db on 5432 connects again; the allowing hop names the rule', () => {
    const state = calicoLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    const [allowed] = applyCommand(state, { type: 'applyNetworkPolicy', policy: allowAppToDb });
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    expect(result.hops.find((hop) => hop.rule === 'default/postgres-allow')).toMatchObject({ action: 'policy-allow', causedBy: allowed.seq });
    expect(trace(state, { from: 'default/app', to: 'default/db', port: 5433, protocol: 'TCP' }).verdict).toBe('dropped');
  });
});
