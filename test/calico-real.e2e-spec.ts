import { execFileSync } from 'node:child_process';
import {
  applyCommand, CALICO, initialState, nodeNetNamespace, pluginDatapath, podGatewayMac, podNetNamespace,
  type LabState, type NodeState, type PodState, type Route,
} from '@hoplab/simulator';
import { linkTwoNodes } from './support/lab-netns';
import { addNamespace, attempt, inNs, removeNamespaces, tag } from './support/netns';

/**
 * HopLab's calico derivations against the real kernel: two nodes and three pods built in network
 * namespaces exactly as HopLab derives them — /32 pod addresses, `169.254.1.1 dev eth0 scope link`
 * and `default via 169.254.1.1`, host veths cali<sha1> with ee:ee:ee:ee:ee:ee and proxy_arp=1, a /32
 * route per pod, the blackhole for the node's /26 block, remote blocks via the other node. The
 * kernel's route choice (`ip route get`), proxy ARP answer and ping TTLs must be what HopLab says.
 * The development kernel has no ipip module (no tunl0: `ip link add type ipip` answers "Unknown
 * device type"), so the lab runs calico's BGP backend: the same per-pod plumbing without the
 * tunnel; the IPIP encapsulation itself is not part of this check yet. Needs root, iproute2 and
 * iputils-ping; it fails, never skips, without them.
 */
const nodeNs = (node: NodeState) => `hc-${tag}-${node.name}`;
const podNs = (pod: PodState) => `hc-${tag}-${pod.name}`;

function buildLab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'calico-real', cluster: { cni: { plugin: 'calico', backend: 'bgp' } } });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'addNode' });
  const pod = (name: string, nodeName: string) => applyCommand(state, { type: 'createPod', namespace: 'default', name, nodeName, containers: [{ name: 'c', image: 'busybox' }] });
  pod('a', 'minikube');
  pod('c', 'minikube');
  pod('b', 'minikube-m02');
  return state;
}

/** `ip route add` arguments for a derived route. */
function routeArgs(route: Route): string[] {
  if (route.type === 'blackhole') return ['blackhole', route.dst, ...(route.proto ? ['proto', route.proto] : [])];
  return [route.dst, ...(route.via ? ['via', route.via] : []), 'dev', route.dev, ...(route.proto ? ['proto', route.proto] : []), ...(route.scope ? ['scope', route.scope] : []), ...(route.onlink ? ['onlink'] : [])];
}

function materialise(state: LabState, pods: PodState[]): void {
  const nodes = [...state.nodes.values()] as [NodeState, NodeState];
  linkTwoNodes(state, nodes, nodeNs, 'hcu');
  for (const pod of pods) {
    const ns = nodeNs(state.nodes.get(pod.node)!);
    const host = nodeNetNamespace(state, pod.node).interfaces.find((iface) => iface.name === pod.vethName)!;
    const eth0 = podNetNamespace(state, pod.namespace, pod.name).interfaces.find((iface) => iface.name === 'eth0')!;
    addNamespace(podNs(pod));
    inNs(ns, ['ip', 'link', 'add', host.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNs(pod)]);
    inNs(ns, ['ip', 'link', 'set', host.name, 'address', host.mac, 'mtu', String(host.mtu), 'up']);
    // calico's dataplane_linux.go: proxy ARP answers for 169.254.1.1 (and everything else) on the host side.
    inNs(ns, ['sysctl', '-qw', `net.ipv4.conf.${host.name}.proxy_arp=1`, `net.ipv4.neigh.${host.name}.proxy_delay=0`, `net.ipv4.conf.${host.name}.forwarding=1`]);
    inNs(podNs(pod), ['ip', 'link', 'set', 'eth0', 'address', eth0.mac, 'mtu', String(eth0.mtu), 'up']);
    inNs(podNs(pod), ['ip', 'addr', 'add', eth0.addresses[0].cidr, 'dev', 'eth0']);
    // The link-scope route to the gateway first: the default route needs it to be reachable.
    const routes = podNetNamespace(state, pod.namespace, pod.name).routes;
    for (const route of [...routes].sort((x, y) => Number(x.dst === 'default') - Number(y.dst === 'default'))) inNs(podNs(pod), ['ip', 'route', 'add', ...routeArgs(route)]);
  }
  for (const node of nodes) {
    for (const route of nodeNetNamespace(state, node.name).routes) {
      // The default route matters: proxy ARP answers only for addresses the node has a route to (169.254.1.1 → default).
      if (route.proto === 'kernel' || (route.dev !== 'eth0' && route.type !== 'blackhole' && !route.dev.startsWith('cali'))) continue;
      if (route.dev.startsWith('cali') && !pods.some((pod) => pod.vethName === route.dev)) continue;
      inNs(nodeNs(node), ['ip', 'route', 'add', ...routeArgs(route)]);
    }
  }
}

/** The route HopLab's table chooses: longest prefix, the table's order on a tie. */
function lookup(routes: Route[], ip: string): Route | undefined {
  const toInt = (text: string) => text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const target = toInt(ip);
  let best: { route: Route; prefix: number } | undefined;
  for (const route of routes) {
    const [network, bits] = route.dst === 'default' ? ['0.0.0.0', '0'] : route.dst.includes('/') ? route.dst.split('/') : [route.dst, '32'];
    const prefix = Number(bits);
    const size = 2 ** (32 - prefix);
    const start = toInt(network);
    if (target >= start && target < start + size && (!best || prefix > best.prefix)) best = { route, prefix };
  }
  return best?.route;
}

describe('calico wiring against the real kernel: BGP backend, two nodes, three pods', () => {
  const state = buildLab();
  const pods = ['a', 'b', 'c'].map((name) => state.pods.get(`default/${name}`)!);
  const [a, b, c] = pods;
  const facts = pluginDatapath(state);

  beforeAll(() => {
    for (const tool of [['ip', '-V'], ['ping', '-V']]) {
      try {
        execFileSync(tool[0], tool.slice(1), { stdio: 'ignore' });
      } catch {
        throw new Error(`${tool[0]} is required (iproute2, iputils-ping)`);
      }
    }
    try {
      materialise(state, pods);
    } catch (error) {
      removeNamespaces();
      throw error;
    }
  });
  afterAll(removeNamespaces);

  function realPing(from: PodState, to: string): { code: number; ttl?: number } {
    const result = attempt(podNs(from), ['ping', '-c1', '-W1', to]);
    const received = /ttl=(\d+)/.exec(result.out);
    return { code: result.code, ...(received ? { ttl: Number(received[1]) } : {}) };
  }

  it('in the pod, the kernel resolves every destination to HopLab\'s route: via 169.254.1.1 dev eth0', () => {
    const derived = lookup(podNetNamespace(state, 'default', 'a').routes, b.ip)!;
    expect(derived).toMatchObject({ dst: 'default', via: CALICO.gateway, dev: 'eth0' });
    expect(inNs(podNs(a), ['ip', 'route', 'get', b.ip])).toContain(`${b.ip} via ${derived.via} dev ${derived.dev} src ${a.ip}`);
  });

  it('on the node, remote pods go via the other node on eth0, local pods out of their cali veth, as HopLab\'s table says', () => {
    const node = state.nodes.get('minikube')!;
    const routes = nodeNetNamespace(state, node.name).routes;
    const remote = lookup(routes, b.ip)!;
    expect(remote).toMatchObject({ via: state.nodes.get('minikube-m02')!.ip, dev: 'eth0', proto: 'bird' });
    expect(inNs(nodeNs(node), ['ip', 'route', 'get', b.ip])).toContain(`${b.ip} via ${remote.via} dev ${remote.dev}`);
    const local = lookup(routes, c.ip)!;
    expect(local).toMatchObject({ dev: c.vethName, scope: 'link' });
    expect(inNs(nodeNs(node), ['ip', 'route', 'get', c.ip])).toContain(`${c.ip} dev ${local.dev}`);
  });

  it('an unused address of the node\'s block hits the blackhole in both', () => {
    const node = state.nodes.get('minikube')!;
    const block = node.pluginNet!.podRange;
    const unused = block.replace(/\.(\d+)\/26$/, (_, last) => `.${Number(last) + 60}`);
    expect(lookup(nodeNetNamespace(state, node.name).routes, unused)).toMatchObject({ type: 'blackhole', dst: block });
    const real = attempt(nodeNs(node), ['ip', 'route', 'get', unused]);
    expect(real.code).not.toBe(0);
    expect(real.out).toContain('Invalid argument');
    expect(realPing(a, unused).code).not.toBe(0);
  });

  it('cross-node ping is delivered with the TTL HopLab gives calico (62: both nodes route)', () => {
    const real = realPing(a, b.ip);
    expect(real.code).toBe(0);
    expect(real.ttl).toBe(facts.arrivalTtl.crossNode);
  });

  it('same-node ping is routed by the node, not bridged: TTL 63 as HopLab says', () => {
    const real = realPing(a, c.ip);
    expect(real.code).toBe(0);
    expect(real.ttl).toBe(facts.arrivalTtl.sameNode);
  });

  it('proxy ARP: the pod learned 169.254.1.1 at ee:ee:ee:ee:ee:ee, the MAC HopLab says its gateway has', () => {
    realPing(a, b.ip);
    expect(inNs(podNs(a), ['ip', 'neigh', 'show', CALICO.gateway])).toMatch(new RegExp(`^169\\.254\\.1\\.1 dev eth0 lladdr ${podGatewayMac(state, a)} (REACHABLE|STALE|DELAY)`));
  });
});
