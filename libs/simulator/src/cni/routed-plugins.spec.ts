import { labEvents, type ClusterSpecInput } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import type { AppliedEvent } from '../model/evolve';
import { fromSnapshot, initialState, toSnapshot } from '../model/state';
import { replay } from '../model/evolve';
import { nodeNetNamespace, podNetNamespace } from '../netns/derive';
import { transcript } from '../views/golden/golden-text';
import { ipAddr, ipLink, ipNeigh, ipRoute, kubectlGetDaemonSets, routeN } from '../views';
import { calicoInterfaceName, ciliumInterfaceName, weaveInterfaceName } from './routed-add';
import { routedRouteCandidates } from './routed-netns';

/** A 3-node minikube lab on `cni` with app on minikube-m02 and web on minikube-m03. */
function lab(cni: ClusterSpecInput['cni']) {
  const state = initialState();
  const events: AppliedEvent[] = [];
  const run = (command: Parameters<typeof applyCommand>[1]) => events.push(...applyCommand(state, command));
  run({ type: 'createLab', name: 'plugins', cluster: { cni } });
  for (let i = 0; i < 3; i++) run({ type: 'addNode' });
  run({ type: 'createPod', namespace: 'default', name: 'app', nodeName: 'minikube-m02', containers: [{ name: 'c', image: 'nicolaka/netshoot' }] });
  run({ type: 'createPod', namespace: 'default', name: 'web', nodeName: 'minikube-m03', containers: [{ name: 'c', image: 'nginx' }] });
  return { state, events, app: state.pods.get('default/app')!, web: state.pods.get('default/web')!, m02: state.nodes.get('minikube-m02')!, m03: state.nodes.get('minikube-m03')! };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const sorted = (text: string) => lines(text).sort();
/** Replaces each key by its value, longest first (so 10.244.0.139 is not hit by 10.244.0.1). */
function substitute(text: string, map: Record<string, string>): string {
  return Object.keys(map)
    .sort((a, b) => b.length - a.length)
    .reduce((out, key) => out.split(key).join(map[key]), text);
}
const withoutInet6 = (text: string) => text.replace(/ {4}inet6 .*\n {7}valid_lft forever preferred_lft forever\n/g, '');
const blockOf = (state: LabState, node: string) => state.nodes.get(node)!.pluginNet!.podRange;
const routeOf = (cidr: string) => cidr.replace(/\/32$/, '');

describe('decided events pass the event schemas (what the event store validates)', () => {
  it.each([[{ plugin: 'calico' }], [{ plugin: 'calico', backend: 'vxlan', encryption: 'wireguard' }], [{ plugin: 'weave' }], [{ plugin: 'weave', backend: 'sleeve' }], [{ plugin: 'cilium', encryption: 'wireguard' }], [{ plugin: 'cilium', backend: 'native' }]] as ClusterSpecInput['cni'][][])('%j', (cni) => {
    const { events } = lab(cni);
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
    expect(events.filter((event) => event.type === 'PluginNodeReady')).toHaveLength(3);
  });
});

describe('replay and snapshots', () => {
  it.each([[{ plugin: 'calico', backend: 'vxlan' }], [{ plugin: 'weave' }], [{ plugin: 'cilium', encryption: 'wireguard' }]] as ClusterSpecInput['cni'][][])('%j: replaying the events rebuilds the state; a snapshot round trip keeps it', (cni) => {
    const { state, events } = lab(cni);
    expect(replay(events)).toEqual(state);
    // A snapshot keeps the CNI log without its calls (model/cni-log.ts): compare what it keeps.
    expect(toSnapshot(fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state)))))).toEqual(toSnapshot(state));
  });
});

describe('calico (BGP, ipip, vxlan)', () => {
  it('names the host veth "cali" + sha1("<namespace>.<pod>")[:11] and gives it ee:ee:ee:ee:ee:ee', () => {
    expect(calicoInterfaceName('default', 'app')).toBe('calic2de13a0081');
    const { app } = lab({ plugin: 'calico', backend: 'bgp' });
    expect(app).toMatchObject({ vethName: 'calic2de13a0081', vethMac: 'ee:ee:ee:ee:ee:ee', gateway: '169.254.1.1', prefixLength: 32 });
  });

  it('BGP: pod ip route / route -n / ip a are the capture (MACs and ifindexes aside)', () => {
    const { state, app } = lab({ plugin: 'calico', backend: 'bgp' });
    const calico = (title: string) => transcript('calico-bgp-and-telnet', title);
    const pod = podNetNamespace(state, 'default', 'app');
    expect(ipRoute(pod).stdout).toBe(calico('calico pod ip route'));
    expect(routeN(pod).stdout).toBe(calico('calico pod route -n'));
    const expected = substitute(withoutInet6(calico('calico pod ip a')), { 'b6:9a:30:71:77:f2': app.mac!, '10.244.120.65': app.ip, '@if4': `@if${app.vethIndex}` });
    expect(ipAddr(pod).stdout).toBe(expected);
  });

  it('BGP: the node has the blackhole for its block, a /32 per pod on its cali veth and remote blocks via the nodes (proto bird)', () => {
    const { state, app, m02 } = lab({ plugin: 'calico', backend: 'bgp' });
    const calico = (title: string) => transcript('calico-bgp-and-telnet', title);
    const [own, remote1, remote3] = [blockOf(state, 'minikube-m02'), blockOf(state, 'minikube'), blockOf(state, 'minikube-m03')];
    const capture = lines(calico('calico node ip route'));
    const template = (line: string, map: Record<string, string>) => substitute(line, map);
    const expected = [
      template(capture[0], {}),
      template(capture[1], { '10.244.120.64/26': own }),
      template(capture[2], { '10.244.120.65': app.ip, cali1b6540bf07c: app.vethName! }),
      template(capture[3], { '10.244.205.192/26': remote1, '192.168.49.3': '192.168.49.2' }),
      template(capture[3], { '10.244.205.192/26': remote3, '192.168.49.3': '192.168.49.4' }),
      template(capture[4], { '192.168.49.2': m02.ip }),
      '172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown ',
    ];
    expect(sorted(ipRoute(nodeNetNamespace(state, 'minikube-m02')).stdout)).toEqual(expected.sort());
    const routeTable = routeN(nodeNetNamespace(state, 'minikube-m02')).stdout;
    expect(routeTable).toContain(`${own.split('/')[0].padEnd(15)} 0.0.0.0         255.255.255.192 U     0      0        0 *\n`);
    expect(routeTable).toContain(`${app.ip.padEnd(15)} 0.0.0.0         255.255.255.255 UH    0      0        0 ${app.vethName}\n`);
    const cali = substitute(withoutInet6(calico('calico node ip a show cali')), { '4: cali1b6540bf07c': `${app.vethIndex}: ${app.vethName}` });
    expect(ipAddr(nodeNetNamespace(state, 'minikube-m02'), { dev: app.vethName! }).stdout).toBe(cali);
  });

  it('IPIP (the default): tunl0 holds the block base /32, MTU 1480, remote blocks via the node IP dev tunl0 onlink; pods start at the next ordinal', () => {
    const { state, app, m02 } = lab({ plugin: 'calico' });
    const block = blockOf(state, 'minikube-m02');
    const base = block.split('/')[0];
    const node = nodeNetNamespace(state, 'minikube-m02');
    const tunl0 = m02.pluginNet!.devices[0];
    expect(ipAddr(node, { dev: 'tunl0' }).stdout).toBe(
      `${tunl0.index}: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN group default qlen 1000\n` +
        '    link/ipip 0.0.0.0 brd 0.0.0.0\n' +
        `    inet ${base}/32 scope global tunl0\n` +
        '       valid_lft forever preferred_lft forever\n',
    );
    expect(app.ip).toBe(base.replace(/\d+$/, (last) => String(Number(last) + 1)));
    expect(ipRoute(node).stdout).toContain(`${blockOf(state, 'minikube-m03')} via 192.168.49.4 dev tunl0 proto bird onlink \n`);
    expect(ipRoute(node).stdout).toContain(`blackhole ${block} proto bird \n`);
    const podAddr = ipAddr(podNetNamespace(state, 'default', 'app')).stdout;
    // The ipip module's fallback tunl0 appears in every new netns, so eth0 is index 4 (datapath-facts §4.2).
    expect(podAddr).toContain('2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN group default qlen 1000\n    link/ipip 0.0.0.0 brd 0.0.0.0\n');
    expect(podAddr).toContain(`4: eth0@if${app.vethIndex}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 `);
    expect(ipAddr(node, { dev: app.vethName! }).stdout.split('\n')[0]).toBe(`${app.vethIndex}: ${app.vethName}@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc noqueue state UP group default qlen 1000`);
    expect(ipNeigh(node).stdout).toBe('');
  });

  it('VXLAN: vxlan.calico (VNI 4096, port 4789, MTU 1450) as captured; routes via the remote tunnel address onlink (proto 80) with static neighbours', () => {
    const { state, m02 } = lab({ plugin: 'calico', backend: 'vxlan' });
    const vtep = m02.pluginNet!.devices[0];
    const capture = transcript('cilium-calico-weave-devices', 'vxlan.calico');
    expect(ipLink(nodeNetNamespace(state, 'minikube-m02'), { dev: 'vxlan.calico', details: true }).stdout).toBe(
      substitute(capture, { '7: vxlan.calico': `${vtep.index}: vxlan.calico`, 'da:eb:d2:b8:0f:1d': vtep.mac, 'local 192.168.49.2': 'local 192.168.49.3' }),
    );
    const m03 = state.nodes.get('minikube-m03')!;
    const remoteTunnel = blockOf(state, 'minikube-m03').split('/')[0];
    const node = nodeNetNamespace(state, 'minikube-m02');
    expect(ipRoute(node).stdout).toContain(`${blockOf(state, 'minikube-m03')} via ${remoteTunnel} dev vxlan.calico proto 80 onlink \n`);
    expect(ipNeigh(node).stdout).toContain(`${remoteTunnel} dev vxlan.calico lladdr ${m03.pluginNet!.devices[0].mac} PERMANENT \n`);
  });

  it('a full block: the next ADD claims another /26 for the node (recorded), routed and blackholed like the first', () => {
    const { state, events, m02 } = lab({ plugin: 'calico', backend: 'bgp' });
    const first = blockOf(state, 'minikube-m02');
    // app took the first ordinal; 63 more fill the block.
    for (let i = 0; i < 64; i++) {
      events.push(...applyCommand(state, { type: 'createPod', namespace: 'default', name: `p${i}`, nodeName: 'minikube-m02', containers: [{ name: 'c', image: 'x' }] }));
    }
    const attached = events.filter((event) => event.type === 'PluginPodAttached').map((event) => event.data as { name: string; address: string; claimedBlock?: string });
    const claimed = attached.filter((data) => data.claimedBlock);
    expect(claimed.map((data) => data.name)).toEqual(['p63']);
    const second = claimed[0].claimedBlock!;
    expect(second).not.toBe(first);
    expect(claimed[0].address).toBe(`${second.split('/')[0]}/32`);
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
    expect(m02.pluginNet!.extraBlocks).toEqual([second]);
    expect(ipRoute(nodeNetNamespace(state, 'minikube-m02')).stdout).toContain(`blackhole ${second} proto bird \n`);
    expect(ipRoute(nodeNetNamespace(state, 'minikube')).stdout).toContain(`${second} via ${m02.ip} dev eth0 proto bird \n`);
    // Other nodes never claim it.
    expect([...state.nodes.values()].filter((node) => node !== m02).flatMap((node) => [node.pluginNet!.podRange, ...(node.pluginNet!.extraBlocks ?? [])])).not.toContain(second);
  });

  it('runs calico-node on every node and calico-kube-controllers on the pod network, not flannel', () => {
    const { state } = lab({ plugin: 'calico' });
    expect(kubectlGetDaemonSets(state, { allNamespaces: true }).stdout).toBe(
      'NAMESPACE     NAME          DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n' +
        'kube-system   calico-node   3         3         3       3            3           <none>                   0s\n' +
        'kube-system   kube-proxy    3         3         3       3            3           kubernetes.io/os=linux   0s\n',
    );
    const controllers = [...state.pods.values()].find((pod) => pod.name.startsWith('calico-kube-controllers-'))!;
    const coredns = [...state.pods.values()].find((pod) => pod.name.startsWith('coredns-'))!;
    expect(controllers).toMatchObject({ hostNetwork: false, phase: 'Running', node: 'minikube' });
    expect(controllers.ip).not.toBe(coredns.ip);
    expect(controllers.vethIndex).not.toBe(coredns.vethIndex);
    expect(state.namespaces.has('kube-flannel')).toBe(false);
  });
});

describe('weave', () => {
  it('splits 10.32.0.0/12 among the peers; pods sit on the flat /12 with the local weave bridge as gateway', () => {
    const { state, app, web } = lab({ plugin: 'weave' });
    expect([...state.nodes.values()].map((node) => node.pluginNet!.podRange)).toEqual(['10.32.0.0/12', '10.40.0.0/13', '10.44.0.0/14']);
    expect(app).toMatchObject({ ip: '10.40.0.1', prefixLength: 12, gateway: '10.40.0.0', vethName: weaveInterfaceName(app.containerId!) });
    expect(web.ip).toBe('10.44.0.1');
    expect(ipRoute(podNetNamespace(state, 'default', 'app')).stdout).toBe('default via 10.40.0.0 dev eth0 \n10.32.0.0/12 dev eth0 proto kernel scope link src 10.40.0.1 \n');
    expect(ipAddr(podNetNamespace(state, 'default', 'app')).stdout).toContain('mtu 1376 qdisc noqueue state UP group default qlen 1000\n');
    expect(ipAddr(podNetNamespace(state, 'default', 'app')).stdout).toContain('    inet 10.40.0.1/12 brd 10.47.255.255 scope global eth0\n');
  });

  it('the node: the weave bridge (MTU 1376) as captured, the /12 route on it, the pods\' vethwepl ports and fastdp\'s datapath devices', () => {
    const { state, app, m02 } = lab({ plugin: 'weave' });
    const bridge = m02.pluginNet!.devices.find((device) => device.name === 'weave')!;
    const capture = withoutInet6(transcript('cilium-calico-weave-devices', 'weave'));
    expect(ipAddr(nodeNetNamespace(state, 'minikube-m02'), { dev: 'weave' }).stdout).toBe(
      substitute(capture, { '8: weave': `${bridge.index}: weave`, 'ba:1b:2f:49:3d:c2': bridge.mac, '10.32.0.1/12': '10.40.0.0/12', 'state UNKNOWN': 'state UP' }),
    );
    const node = nodeNetNamespace(state, 'minikube-m02');
    expect(ipRoute(node).stdout).toContain('10.32.0.0/12 dev weave proto kernel scope link src 10.40.0.0 \n');
    expect(node.interfaces.map((iface) => iface.name)).toEqual(['lo', 'eth0', 'docker0', 'datapath', 'weave', 'vethwe-datapath', 'vethwe-bridge', 'vxlan-6784', app.vethName]);
    expect(ipAddr(node, { dev: app.vethName! }).stdout).toContain(' master weave state UP ');
  });

  it('sleeve: no Open vSwitch datapath, the router captures on vethwe-pcap; weave-net pods are 2/2 (weave + weave-npc)', () => {
    const { state, m02 } = lab({ plugin: 'weave', backend: 'sleeve' });
    expect(m02.pluginNet!.devices.map((device) => device.name)).toEqual(['weave', 'vethwe-pcap', 'vethwe-bridge']);
    const weaveNet = [...state.pods.values()].filter((pod) => pod.owner?.name === 'weave-net');
    expect(weaveNet.map((pod) => pod.containers.map((c) => c.name))).toEqual([['weave', 'weave-npc'], ['weave', 'weave-npc'], ['weave', 'weave-npc']]);
  });
});

describe('cilium', () => {
  it('cilium_host holds a router IP /32 of the node CIDR (the pods\' gateway); pods get /32 addresses out of order, on lxc veths', () => {
    const { state, app, m02 } = lab({ plugin: 'cilium' });
    const router = m02.pluginNet!.devices.find((device) => device.name === 'cilium_host')!.address!.split('/')[0];
    expect(router.startsWith('10.244.1.')).toBe(true);
    expect(app).toMatchObject({ prefixLength: 32, gateway: router, vethName: ciliumInterfaceName(app.containerId!) });
    expect(app.vethName).toMatch(/^lxc[0-9a-f]{12}$/);
    expect(ipRoute(podNetNamespace(state, 'default', 'app')).stdout).toBe(`default via ${router} dev eth0 \n${router} dev eth0 scope link \n`);
    expect(ipAddr(podNetNamespace(state, 'default', 'app')).stdout).toContain(' mtu 1450 ');
  });

  it('tunnel mode: node routes, cilium_host/cilium_net and cilium_vxlan (external, port 8472) as captured', () => {
    const { state, m02 } = lab({ plugin: 'cilium' });
    const devices = Object.fromEntries(m02.pluginNet!.devices.map((device) => [device.name, device]));
    const router = devices.cilium_host.address!.split('/')[0];
    const capture = (title: string) => transcript('cilium-calico-weave-devices', title);
    const routes = lines(capture('cilium routes')).filter((line) => line.includes('cilium_host'));
    const map = { '10.244.0.139': router, '10.244.1.0/24': '10.244.2.0/24', '10.244.0.0/24': '10.244.1.0/24' };
    const node = nodeNetNamespace(state, 'minikube-m02');
    const actual = ipRoute(node).stdout;
    for (const line of routes) expect(actual).toContain(`${substitute(line, map)}\n`);
    expect(actual).toContain(`10.244.0.0/24 via ${router} dev cilium_host proto kernel src ${router} mtu 1450 \n`);
    const hostNet = withoutInet6(capture('cilium_host/net'));
    expect(ipAddr(node, { dev: 'cilium_net' }).stdout + ipAddr(node, { dev: 'cilium_host' }).stdout).toBe(
      substitute(hostNet, { '5: cilium_net': `${devices.cilium_net.index}: cilium_net`, '6: cilium_host': `${devices.cilium_host.index}: cilium_host`, '16:a7:3c:ed:56:94': devices.cilium_net.mac, '6e:20:24:d1:b8:a4': devices.cilium_host.mac, '10.244.0.139': router }),
    );
    expect(ipLink(node, { dev: 'cilium_vxlan', details: true }).stdout).toBe(
      substitute(capture('cilium_vxlan'), { '4: cilium_vxlan': `${devices.cilium_vxlan.index}: cilium_vxlan`, '9e:23:01:d9:28:40': devices.cilium_vxlan.mac }),
    );
  });

  it('native routing: remote node CIDRs via the node IP (proto kernel), no cilium_vxlan, pod MTU 1500', () => {
    const { state, m02 } = lab({ plugin: 'cilium', backend: 'native' });
    expect(m02.pluginNet!.devices.map((device) => device.name)).toEqual(['cilium_net', 'cilium_host']);
    expect(ipRoute(nodeNetNamespace(state, 'minikube-m02')).stdout).toContain('10.244.2.0/24 via 192.168.49.4 dev eth0 proto kernel \n');
    expect(ipAddr(podNetNamespace(state, 'default', 'app')).stdout).toContain(' mtu 1500 ');
  });

  it('WireGuard: cilium_wg0 on every node; the pods lose the WireGuard overhead too', () => {
    const { state, m02 } = lab({ plugin: 'cilium', encryption: 'wireguard' });
    expect(ipAddr(nodeNetNamespace(state, 'minikube-m02'), { dev: 'cilium_wg0' }).stdout).toMatch(/^\d+: cilium_wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN group default qlen 1000\n {4}link\/none \n$/);
    expect(m02.pluginNet!.devices.map((device) => device.name)).toContain('cilium_wg0');
    expect(ipAddr(podNetNamespace(state, 'default', 'app')).stdout).toContain(' mtu 1370 ');
  });

  it('runs the cilium and cilium-envoy DaemonSets and one cilium-operator (hostNetwork)', () => {
    const { state } = lab({ plugin: 'cilium' });
    expect(lines(kubectlGetDaemonSets(state, { allNamespaces: true }).stdout).map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'NAMESPACE NAME DESIRED',
      'kube-system cilium 3',
      'kube-system cilium-envoy 3',
      'kube-system kube-proxy 3',
    ]);
    expect([...state.pods.values()].filter((pod) => pod.name.startsWith('cilium-operator-')).map((pod) => [pod.node, pod.hostNetwork])).toEqual([['minikube', true]]);
  });
});

describe('routedRouteCandidates: the plugin routes a tracer looks up, as the derived table has them', () => {
  function longest(routes: { dst: string }[]): string | undefined {
    return routes.map((route) => route.dst).sort((a, b) => Number(b.split('/')[1] ?? 32) - Number(a.split('/')[1] ?? 32))[0];
  }
  it.each([[{ plugin: 'calico' }], [{ plugin: 'calico', backend: 'vxlan' }], [{ plugin: 'weave' }], [{ plugin: 'cilium' }], [{ plugin: 'cilium', backend: 'native' }]] as ClusterSpecInput['cni'][][])('%j', (cni) => {
    const { state, app, web } = lab(cni);
    const unused = app.ip.replace(/\d+$/, (last) => String((Number(last) + 7) % 250));
    for (const node of state.nodes.values()) {
      // Without the routes every node has whatever the plugin: eth0's segment, docker0's, the default.
      const table = nodeNetNamespace(state, node.name).routes.filter((route) => route.dst !== node.network && route.dev !== 'docker0');
      for (const ip of [app.ip, web.ip, unused]) {
        const expected = table.filter((route) => {
          const [network, bits = '32'] = route.dst.split('/');
          const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
          const toInt = (text: string) => text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) >>> 0;
          return route.dst !== 'default' && ((toInt(ip) & mask) >>> 0) === ((toInt(network) & mask) >>> 0);
        });
        const candidates = routedRouteCandidates(state, node, ip);
        expect(longest(candidates)).toBe(longest(expected));
        expect(candidates.length).toBeGreaterThan(0);
      }
    }
  });
});
