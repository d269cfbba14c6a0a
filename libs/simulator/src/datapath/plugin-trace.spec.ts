import type { ClusterSpecInput } from '@hoplab/events';
import { pluginDatapath } from '../cni/plugin-datapath';
import { applyCommand } from '../model/apply';
import { allowAppToDb, denyAll, labWith, runPod } from './lab-fixtures';
import { trace } from './trace';
import type { Hop } from './types';

const forward = (hops: Hop[]) => hops.slice(0, hops.findIndex((hop) => hop.action === 'conntrack') >>> 0);

/** minikube --nodes 3 with app on m02, db on m03 and web next to app on m02. */
function lab(cni: ClusterSpecInput['cni']) {
  const state = labWith({ cni }, 3);
  runPod(state, 'app', 'nicolaka/netshoot', 'minikube-m02', { app: 'app' });
  runPod(state, 'db', 'postgres', 'minikube-m03', { app: 'database' });
  runPod(state, 'web', 'nginx', 'minikube-m02', { app: 'web' });
  return state;
}

const NODE = { m02: '192.168.49.3', m03: '192.168.49.4' };

describe.each([
  { cni: { plugin: 'calico', backend: 'ipip' }, device: 'tunl0', outer: { protocol: 'IPIP' }, mtu: 1480, overhead: 20 },
  { cni: { plugin: 'calico', backend: 'vxlan' }, device: 'vxlan.calico', outer: { protocol: 'UDP', dstPort: 4789, vni: 4096 }, mtu: 1450, overhead: 50 },
  { cni: { plugin: 'weave', backend: 'fastdp' }, device: 'vxlan-6784', outer: { protocol: 'UDP', dstPort: 6784 }, mtu: 1376, overhead: 50 },
  { cni: { plugin: 'weave', backend: 'sleeve' }, device: 'weave', outer: { protocol: 'UDP', dstPort: 6783 }, mtu: 1376, overhead: 50 },
  { cni: { plugin: 'cilium', backend: 'vxlan' }, device: 'cilium_vxlan', outer: { protocol: 'UDP', dstPort: 8472 }, mtu: 1450, overhead: 50 },
] as const)('trace across nodes on $cni.plugin $cni.backend', ({ cni, device, outer, mtu, overhead }) => {
  const state = lab(cni);
  const app = state.pods.get('default/app')!;
  const db = state.pods.get('default/db')!;
  const facts = pluginDatapath(state);
  const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });

  it(`is delivered with the plugin's TTL (${facts.arrivalTtl.crossNode}) and the SYN-ACK comes back`, () => {
    expect(result.verdict).toBe('delivered');
    expect(result.deliveredTtl).toBe(facts.arrivalTtl.crossNode);
    expect(result.hops.at(-1)!.summary).toContain('connection is established');
    expect(trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' }).deliveredTtl).toBe(facts.arrivalTtl.crossNode);
  });

  it(`wraps the packet on ${device} with the outer node addresses, unwraps it on the other node`, () => {
    const encap = forward(result.hops).find((hop) => hop.action === 'encapsulate')!;
    expect(encap).toMatchObject({ node: 'minikube-m02', device, layer: 'encap' });
    expect(encap.packet.outer).toMatchObject({ src: NODE.m02, dst: NODE.m03, ...outer });
    expect(encap.packet.l3).toMatchObject({ src: app.ip, dst: db.ip });
    expect(encap.summary).toContain(`${60 + overhead} bytes on the wire`);
    expect(forward(result.hops).find((hop) => hop.action === 'decapsulate')).toMatchObject({ node: 'minikube-m03', device });
  });

  it(`drops what does not fit the pod MTU ${mtu} at eth0`, () => {
    expect(facts.podMtu).toBe(mtu);
    expect(trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP', size: mtu }).verdict).toBe('delivered');
    const big = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP', size: mtu + 1 });
    expect(big.verdict).toBe('dropped');
    expect(big.hops.at(-1)).toMatchObject({ action: 'drop', rule: `mtu ${mtu}`, device: 'eth0', netns: 'pod default/app' });
  });

  it(`keeps the same-node TTL (${facts.arrivalTtl.sameNode}) without any encapsulation`, () => {
    const same = trace(state, { from: 'default/app', to: 'default/web', protocol: 'ICMP' });
    expect(same.verdict).toBe('delivered');
    expect(same.deliveredTtl).toBe(facts.arrivalTtl.sameNode);
    expect(same.hops.map((hop) => hop.action)).not.toContain('encapsulate');
  });
});

describe('the pod’s first hop per plugin', () => {
  const firstArp = (cni: ClusterSpecInput['cni']) => {
    const state = lab(cni);
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    return { state, hops: forward(result.hops), reply: result.hops.find((hop) => hop.action === 'arp-reply')! };
  };

  it('calico: the pod ARPs for 169.254.1.1 and its cali veth answers by proxy ARP with ee:ee:ee:ee:ee:ee; nodes route by /32', () => {
    const { state, hops, reply } = firstArp({ plugin: 'calico', backend: 'ipip' });
    const app = state.pods.get('default/app')!;
    const db = state.pods.get('default/db')!;
    expect(hops[1].summary).toBe('ARP who-has 169.254.1.1? broadcast on eth0.');
    expect(reply.packet.l2).toMatchObject({ src: 'ee:ee:ee:ee:ee:ee', type: 'ARP' });
    expect(reply.summary).toContain(`${app.vethName}, the host side of the veth, by proxy ARP`);
    expect(hops.filter((hop) => hop.action === 'route').map((hop) => hop.rule)).toEqual([
      'default via 169.254.1.1 dev eth0',
      expect.stringMatching(new RegExp(`/26 via ${NODE.m03.replace(/\./g, '\\.')} dev tunl0 proto bird onlink$`)),
      `${db.ip}/32 dev ${db.vethName} scope link`,
    ]);
    expect(hops.map((hop) => hop.action)).not.toContain('bridge-local');
  });

  it('calico bgp: no encapsulation, the remote block is routed via the other node on eth0 (proto bird), ttl 62', () => {
    const state = lab({ plugin: 'calico', backend: 'bgp' });
    const result = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' });
    expect(result.deliveredTtl).toBe(62);
    expect(result.hops.map((hop) => hop.action)).not.toContain('encapsulate');
    expect(result.hops.find((hop) => hop.netns === 'node' && hop.action === 'route')!.rule).toMatch(/\/26 via 192\.168\.49\.4 dev eth0 proto bird$/);
  });

  it('weave: one flat L2 network, the pod ARPs the remote pod itself and the frame is never routed (ttl 64)', () => {
    const { state, hops, reply } = firstArp({ plugin: 'weave', backend: 'fastdp' });
    const db = state.pods.get('default/db')!;
    expect(hops[1].summary).toBe(`ARP who-has ${db.ip}? broadcast on eth0.`);
    expect(reply.packet.l2).toMatchObject({ src: db.mac });
    expect(hops.filter((hop) => hop.netns === 'node' && hop.action === 'route')).toEqual([]);
    expect(hops.find((hop) => hop.action === 'deliver')!.packet.l3.ttl).toBe(64);
  });

  it("cilium: the gateway is cilium_host's router IP, answered by eBPF with the lxc MAC; the remote endpoint gets it by redirect", () => {
    const { state, hops, reply } = firstArp({ plugin: 'cilium', backend: 'vxlan' });
    const app = state.pods.get('default/app')!;
    const db = state.pods.get('default/db')!;
    expect(hops[1].summary).toBe(`ARP who-has ${app.gateway}? broadcast on eth0.`);
    expect(reply.packet.l2).toMatchObject({ src: app.vethMac });
    expect(hops.find((hop) => hop.action === 'tunnel-lookup')).toMatchObject({ node: 'minikube-m02', rule: `${db.ip} → tunnelendpoint ${NODE.m03}` });
    expect(hops.find((hop) => hop.action === 'ebpf-redirect')).toMatchObject({ node: 'minikube-m03', device: db.vethName });
  });

  it('cilium native routing: no tunnel, the other node is the next hop on eth0, ttl 62', () => {
    const state = lab({ plugin: 'cilium', backend: 'native' });
    const result = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' });
    expect(result.deliveredTtl).toBe(pluginDatapath(state).arrivalTtl.crossNode);
    expect(result.deliveredTtl).toBe(62);
    expect(result.hops.map((hop) => hop.action)).not.toContain('encapsulate');
  });
});

describe('encryption on the wire', () => {
  it('cilium WireGuard: VXLAN, then cilium_wg0 seals it in UDP 51871 between the nodes; the wire shows no inner packet', () => {
    const state = lab({ plugin: 'cilium', backend: 'vxlan', encryption: 'wireguard' });
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const hops = forward(result.hops);
    const actions = hops.map((hop) => hop.action);
    expect(actions.indexOf('encapsulate')).toBeLessThan(actions.indexOf('encrypt'));
    const sealed = hops.find((hop) => hop.action === 'encrypt')!;
    expect(sealed).toMatchObject({ device: 'cilium_wg0', layer: 'encap' });
    expect(sealed.packet).toMatchObject({ l3: { src: NODE.m02, dst: NODE.m03, protocol: 'UDP' }, l4: { dstPort: 51871 }, encrypted: { by: 'WireGuard', readable: false } });
    expect(sealed.packet.outer).toBeUndefined();
    const onWire = hops.find((hop) => hop.action === 'send' && hop.netns === 'node' && hop.device === 'eth0')!;
    expect(JSON.stringify(onWire.packet)).not.toContain(state.pods.get('default/db')!.ip);
    expect(hops.find((hop) => hop.action === 'decrypt')).toMatchObject({ node: 'minikube-m03', device: 'cilium_wg0' });
    expect(pluginDatapath(state).podMtu).toBe(1370);
  });

  it.each([
    { cni: { plugin: 'calico', backend: 'bgp', encryption: 'wireguard' }, device: 'wireguard.cali', port: 51820 },
    { cni: { plugin: 'cilium', backend: 'native', encryption: 'wireguard' }, device: 'cilium_wg0', port: 51871 },
  ] as const)('$cni.plugin $cni.backend with WireGuard: no encapsulation, but $device seals the packet between the nodes, both ways', ({ cni, device, port }) => {
    const state = lab(cni);
    const db = state.pods.get('default/db')!;
    const app = state.pods.get('default/app')!;
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    expect(result.deliveredTtl).toBe(62);
    const hops = forward(result.hops);
    const actions = hops.map((hop) => hop.action);
    expect(actions).not.toContain('encapsulate');
    const sealed = hops.find((hop) => hop.action === 'encrypt')!;
    expect(sealed).toMatchObject({ node: 'minikube-m02', device, layer: 'encap' });
    expect(sealed.packet).toEqual({ l3: { src: NODE.m02, dst: NODE.m03, ttl: 64, protocol: 'UDP', length: 120 }, l4: { srcPort: port, dstPort: port }, encrypted: { by: 'WireGuard', device, readable: false } });
    expect(actions.indexOf('encrypt')).toBeLessThan(actions.indexOf('send', actions.indexOf('encrypt')));
    const onWire = hops.filter((hop) => hop.netns === 'node' && hop.device === 'eth0' && ['send', 'receive'].includes(hop.action));
    expect(onWire.map((hop) => hop.node)).toEqual(['minikube-m02', 'minikube-m03']);
    for (const hop of onWire) expect(JSON.stringify(hop.packet)).not.toContain(db.ip);
    const opened = hops.find((hop) => hop.action === 'decrypt')!;
    expect(opened).toMatchObject({ node: 'minikube-m03', device });
    expect(opened.packet.l3).toMatchObject({ src: app.ip, dst: db.ip });
    const back = result.hops.slice(hops.length);
    expect(back.find((hop) => hop.action === 'encrypt')).toMatchObject({ node: 'minikube-m03', device, packet: { l3: { src: NODE.m03, dst: NODE.m02 } } });
    expect(back.find((hop) => hop.action === 'decrypt')).toMatchObject({ node: 'minikube-m02', device });
  });

  it('calico BGP with WireGuard keeps node-to-node traffic in the clear (only pod traffic goes through wireguard.cali)', () => {
    const state = lab({ plugin: 'calico', backend: 'bgp', encryption: 'wireguard' });
    const result = trace(state, { from: { node: 'minikube-m02' }, to: { node: 'minikube-m03' }, port: 10250, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    expect(result.hops.map((hop) => hop.action)).not.toContain('encrypt');
  });

  it('weave fastdp with a password: IPsec ESP between the nodes', () => {
    const state = lab({ plugin: 'weave', backend: 'fastdp', encryption: 'ipsec' });
    const sealed = trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' }).hops.find((hop) => hop.action === 'encrypt')!;
    expect(sealed.packet).toMatchObject({ l3: { protocol: 'ESP' }, encrypted: { by: 'IPsec ESP', readable: false } });
    expect(sealed.packet.l4).toBeUndefined();
  });
});

describe('NetworkPolicy where each plugin enforces it', () => {
  it.each(['calico', 'weave', 'cilium'] as const)('%s: deny-all drops the SYN at the destination pod’s host veth', (plugin) => {
    const state = lab({ plugin });
    const [applied] = applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('dropped');
    // deny-all (no policyTypes, no egress rules) isolates ingress only: the destination's host veth decides.
    expect(result.hops.at(-1)).toMatchObject({ layer: 'policy', action: 'drop', node: 'minikube-m03', device: state.pods.get('default/db')!.vethName, causedBy: applied.seq });
  });
});

describe("calico nodes whose tables the user changed: Felix's cali-* chains decide", () => {
  it('a deny in cali-tw-<veth> is reported as the NetworkPolicy that put it there; allowing connects again', () => {
    const state = lab({ plugin: 'calico' });
    for (const node of ['minikube-m02', 'minikube-m03']) applyCommand(state, { type: 'iptables', node, args: ['-A', 'INPUT', '-s', '203.0.113.9', '-j', 'DROP'] });
    const [applied] = applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    const result = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(result.verdict).toBe('dropped');
    expect(result.traversed.some((rule) => rule.node === 'minikube-m03' && rule.chain.startsWith('cali-tw-'))).toBe(true);
    expect(result.hops.at(-1)).toMatchObject({ layer: 'policy', action: 'drop', rule: 'default/default-deny', causedBy: applied.seq, device: state.pods.get('default/db')!.vethName });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: allowAppToDb });
    expect(trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }).verdict).toBe('delivered');
  });
});

describe('calico blackhole routes', () => {
  it("an address of a node's own block that no pod holds is discarded by the blackhole route: dropped, no ARP, no TTL decrement", () => {
    const state = lab({ plugin: 'calico', backend: 'ipip' });
    const db = state.pods.get('default/db')!;
    const unused = db.ip.replace(/\.(\d+)$/, (_, last: string) => `.${Number(last) + 9}`);
    const result = trace(state, { from: 'default/app', to: { ip: unused }, protocol: 'ICMP' });
    expect(result.verdict).toBe('dropped');
    const last = result.hops.at(-1)!;
    expect(last).toMatchObject({ node: 'minikube-m03', layer: 'L3', action: 'drop', rule: expect.stringMatching(/^blackhole 10\.244\.\d+\.\d+\/26 proto bird$/) });
    expect(last.packet.l3.ttl).toBe(63);
    expect(result.hops.filter((hop) => hop.node === 'minikube-m03').map((hop) => hop.action)).not.toContain('arp-request');
    expect(result.reason).toBe(`${unused} matches the route ${last.rule} on minikube-m03`);
  });
});
