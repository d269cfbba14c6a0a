import type { Command } from '../model/commands';
import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import type { LabState } from '../cluster/types';
import { nodeNetNamespace, podNetNamespace } from './derive';

function lab(cluster: Extract<Command, { type: 'createLab' }>['cluster'], ...commands: Command[]): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'netns', cluster });
  for (const command of commands) applyCommand(state, command);
  return state;
}
const addNode: Command = { type: 'addNode' };
const podOn = (name: string, nodeName: string): Command => ({ type: 'createPod', namespace: 'default', name, nodeName, containers: [{ name: 'c', image: 'x' }] });

describe('node netns, flannel vxlan (reference/transcripts/flannel-two-nodes.txt, node minikube-m02)', () => {
  const state = lab({}, addNode, addNode, addNode, podOn('web', 'minikube-m02'));
  const m02 = nodeNetNamespace(state, 'minikube-m02');
  const nodes = [...state.nodes.values()];

  it('routes: default via the docker gateway, onlink routes via flannel.1 per other node, connected cni0 and eth0', () => {
    expect(m02.routes).toEqual([
      { dst: 'default', via: '192.168.49.1', dev: 'eth0' },
      { dst: '10.244.0.0/24', via: '10.244.0.0', dev: 'flannel.1', onlink: true },
      { dst: '10.244.1.0/24', dev: 'cni0', proto: 'kernel', scope: 'link', src: '10.244.1.1' },
      { dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true },
      { dst: '172.17.0.0/16', dev: 'docker0', proto: 'kernel', scope: 'link', src: '172.17.0.1', linkdown: true },
      { dst: '192.168.49.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '192.168.49.3' },
    ]);
  });

  it('interfaces: lo, eth0, docker0, flannel.1 (VNI 1, port 8472, MTU 1450, lease /32), cni0 .1/24 and the pod veth', () => {
    const web = state.pods.get('default/web')!;
    expect(m02.interfaces.map((i) => [i.index, i.name, i.mtu, i.state, i.addresses.map((a) => `${a.cidr} ${a.broadcast ?? '-'} ${a.scope}`)])).toEqual([
      [1, 'lo', 65536, 'UNKNOWN', ['127.0.0.1/8 - host']],
      [3, 'eth0', 1500, 'UP', ['192.168.49.3/24 192.168.49.255 global']],
      [4, 'docker0', 1500, 'DOWN', ['172.17.0.1/16 172.17.255.255 global']],
      [5, 'flannel.1', 1450, 'UNKNOWN', ['10.244.1.0/32 - global']],
      [6, 'cni0', 1450, 'UP', ['10.244.1.1/24 10.244.1.255 global']],
      [7, web.vethName, 1450, 'UP', []],
    ]);
    const flannel = m02.interfaces.find((i) => i.name === 'flannel.1')!;
    expect(flannel).toMatchObject({ kind: 'vxlan', mac: nodes[1].vtepMac, vxlan: { id: 1, local: '192.168.49.3', dev: 'eth0', port: 8472, learning: false, ageing: 300 } });
    expect(m02.interfaces.find((i) => i.name === web.vethName)).toMatchObject({ master: 'cni0', peerIndex: 2, linkNetnsId: web.netnsId, mac: web.vethMac });
    expect(m02.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ peerIndex: nodes[1].ifIndex.eth0Peer, linkNetnsId: 0, mac: '02:42:c0:a8:31:03' });
    expect(m02.interfaces.find((i) => i.name === 'docker0')!.flags).toEqual(['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']);
  });

  it('neighbours and FDB: one PERMANENT entry and one `dst <node ip> self permanent` per other node', () => {
    expect(m02.neighbours).toEqual([
      { ip: '10.244.0.0', dev: 'flannel.1', mac: nodes[0].vtepMac, state: 'PERMANENT' },
      { ip: '10.244.2.0', dev: 'flannel.1', mac: nodes[2].vtepMac, state: 'PERMANENT' },
    ]);
    expect(m02.fdb.filter((e) => e.dev === 'flannel.1')).toEqual([
      { mac: nodes[0].vtepMac, dev: 'flannel.1', dst: '192.168.49.2', self: true, state: 'permanent' },
      { mac: nodes[2].vtepMac, dev: 'flannel.1', dst: '192.168.49.4', self: true, state: 'permanent' },
    ]);
    const web = state.pods.get('default/web')!;
    expect(m02.fdb.filter((e) => e.dev === web.vethName).map((e) => `${e.mac} ${e.master ?? ''} ${e.self ? 'self' : ''} ${e.state}`)).toEqual([
      `${web.mac} cni0  `,
      `${web.vethMac} cni0  permanent`,
      '33:33:00:00:00:01  self permanent',
      '01:00:5e:00:00:01  self permanent',
      `33:33:ff:${web.vethMac!.slice(9)}  self permanent`,
    ]);
  });

  it('pod netns: lo and eth0@if<veth> with MTU 1450; default and cluster routes via the gateway, the connected /24', () => {
    const web = state.pods.get('default/web')!;
    const netns = podNetNamespace(state, 'default', 'web');
    expect(netns.interfaces[1]).toMatchObject({ index: 2, name: 'eth0', mtu: 1450, peerIndex: web.vethIndex, linkNetnsId: 0, mac: web.mac });
    expect(netns.interfaces[1].addresses).toEqual([{ cidr: '10.244.1.2/24', broadcast: '10.244.1.255', scope: 'global', label: 'eth0' }]);
    expect(netns.routes).toEqual([
      { dst: 'default', via: '10.244.1.1', dev: 'eth0' },
      { dst: '10.244.0.0/16', via: '10.244.1.1', dev: 'eth0' },
      { dst: '10.244.1.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.244.1.2' },
    ]);
  });

  it('hostNetwork pods see the node netns', () => {
    const proxy = [...state.pods.values()].find((p) => p.node === 'minikube-m02' && p.hostNetwork)!;
    expect(podNetNamespace(state, proxy.namespace, proxy.name)).toEqual(m02);
  });
});

describe('node netns lifecycle', () => {
  it('given only hostNetwork pods, then there is no cni0; the first pod creates it; with no pods left it is DOWN and linkdown', () => {
    const state = lab({}, addNode, addNode);
    expect(nodeNetNamespace(state, 'minikube-m02').interfaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'docker0', 'flannel.1']);
    applyCommand(state, podOn('a', 'minikube-m02'));
    applyCommand(state, { type: 'deletePod', namespace: 'default', name: 'a' });
    const netns = nodeNetNamespace(state, 'minikube-m02');
    expect(netns.interfaces.find((i) => i.name === 'cni0')).toMatchObject({ state: 'DOWN', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'] });
    expect(netns.routes.find((r) => r.dev === 'cni0')).toMatchObject({ linkdown: true });
    applyCommand(state, podOn('b', 'minikube-m02'));
    expect(nodeNetNamespace(state, 'minikube-m02').interfaces.find((i) => i.name === 'cni0')!.index).toBe(6);
  });

  it('given a node is removed, then every other node loses its route, neighbour and FDB entry', () => {
    const state = lab({}, addNode, addNode, addNode);
    applyCommand(state, { type: 'removeNode', name: 'minikube-m03' });
    const netns = nodeNetNamespace(state, 'minikube');
    expect(netns.routes.some((r) => r.dst === '10.244.2.0/24')).toBe(false);
    expect(netns.neighbours.map((n) => n.ip)).toEqual(['10.244.1.0']);
    expect(netns.fdb.filter((e) => e.dev === 'flannel.1').map((e) => e.dst)).toEqual(['192.168.49.3']);
    expect(() => nodeNetNamespace(state, 'minikube-m03')).toThrow('nodes "minikube-m03" not found');
  });
});

describe('flannel host-gw', () => {
  it('routes other nodes\' podCIDRs via their IPs on eth0, with no flannel.1 and MTU 1500', () => {
    const state = lab({ cni: { plugin: 'flannel', backend: 'host-gw' } }, addNode, addNode, podOn('a', 'minikube'));
    const netns = nodeNetNamespace(state, 'minikube');
    expect(netns.routes.filter((r) => r.dst.startsWith('10.244.'))).toEqual([
      { dst: '10.244.0.0/24', dev: 'cni0', proto: 'kernel', scope: 'link', src: '10.244.0.1' },
      { dst: '10.244.1.0/24', via: '192.168.49.3', dev: 'eth0' },
    ]);
    expect(netns.interfaces.map((i) => i.name)).not.toContain('flannel.1');
    expect(netns.interfaces.find((i) => i.name === 'cni0')!.mtu).toBe(1500);
    expect(netns.neighbours).toEqual([]);
  });
});

describe('bridge plugin, two VMs and a router (seeds/000)', () => {
  const state = lab(
    { cni: { plugin: 'bridge' }, podCIDR: '10.10.0.0/16', nodeNetwork: '172.16.100.0/24' },
    { type: 'addNode', name: 'vm1', ip: '172.16.100.1', podCIDR: '10.10.10.0/24' },
    { type: 'addNode', name: 'vm2', ip: '172.16.100.2', podCIDR: '10.10.11.0/24' },
    {
      type: 'addRouter',
      name: 'router',
      interfaces: [{ ip: '172.16.100.254', network: '172.16.100.0/24' }],
      routes: [
        { dst: '10.10.10.0/24', via: '172.16.100.1' },
        { dst: '10.10.11.0/24', via: '172.16.100.2' },
      ],
    },
    { type: 'createPod', namespace: 'default', name: 'pod1', nodeName: 'vm1', annotations: { 'cni.projectcalico.org/ipAddrs': '["10.10.10.10"]' }, containers: [{ name: 'c', image: 'x' }] },
    { type: 'createPod', namespace: 'default', name: 'pod3', annotations: { 'cni.projectcalico.org/ipAddrs': '["10.10.11.10"]' }, containers: [{ name: 'c', image: 'x' }] },
  );

  it('places the pinned pods in each VM\'s range', () => {
    expect(['pod1', 'pod3'].map((name) => state.pods.get(`default/${name}`)).map((p) => `${p!.ip} ${p!.node}`)).toEqual(['10.10.10.10 vm1', '10.10.11.10 vm2']);
  });

  it('routes the other VM\'s pod network through the router, which is also the default gateway', () => {
    expect(nodeNetNamespace(state, 'vm1').routes).toEqual([
      { dst: 'default', via: '172.16.100.254', dev: 'eth0' },
      { dst: '10.10.10.0/24', dev: 'cni0', proto: 'kernel', scope: 'link', src: '10.10.10.1' },
      { dst: '10.10.11.0/24', via: '172.16.100.254', dev: 'eth0' },
      { dst: '172.16.100.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '172.16.100.1' },
      { dst: '172.17.0.0/16', dev: 'docker0', proto: 'kernel', scope: 'link', src: '172.17.0.1', linkdown: true },
    ]);
    expect(nodeNetNamespace(state, 'vm2').routes.find((r) => r.dst === '10.10.10.0/24')).toEqual({ dst: '10.10.10.0/24', via: '172.16.100.254', dev: 'eth0' });
  });

  it('gives pods a default route via their bridge gateway and MTU 1500', () => {
    const netns = podNetNamespace(state, 'default', 'pod1');
    expect(netns.routes).toEqual([
      { dst: 'default', via: '10.10.10.1', dev: 'eth0' },
      { dst: '10.10.10.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.10.10.10' },
    ]);
    expect(netns.interfaces[1].mtu).toBe(1500);
  });
});
