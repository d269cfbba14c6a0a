import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { applyCommand, initialState, nodeNetNamespace, pluginDatapath, podNetNamespace, trace, type LabState, type NodeState, type PodState } from '@hoplab/simulator';
import { nodeIptablesSave } from '@hoplab/simulator/node-iptables';
import { renderTracepath } from '@hoplab/simulator/datapath/render/tracepath';
import { linkTwoNodes } from './support/lab-netns';
import { addNamespace, attempt, inNs, removeNamespaces, tag } from './support/netns';

/**
 * HopLab's tracer against the real kernel: flannel labs of two nodes and three pods are built out of
 * network namespaces with exactly the addresses, MACs, bridges, veths, routes (and, for VXLAN, the
 * flannel.1 devices with their PERMANENT neighbours and FDB entries, and the nodes' iptables-save
 * loaded with iptables-restore) HopLab derives; real traffic (ping, nc) runs inside them only, and
 * HopLab's verdicts, TTLs and Service endpoints must match what the kernel did (and tracepath's
 * output HopLab renders, what the real tracepath prints). Needs root, iproute2, iptables,
 * iputils-ping, iputils-tracepath and netcat-openbsd (and the kernel's vxlan module); it fails,
 * never skips, without them.
 */
let listener: ChildProcess | undefined;

const nodeNs = (node: NodeState) => `hl-${tag}-${node.name}`;
const podNs = (pod: PodState) => `hl-${tag}-${pod.name}`;

function buildLab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'real', cluster: { cni: { plugin: 'flannel', backend: 'host-gw' } } });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'addNode' });
  const pod = (name: string, nodeName: string, image: string) =>
    applyCommand(state, { type: 'createPod', namespace: 'default', name, nodeName, containers: [{ name: 'c', image }] });
  pod('a', 'minikube', 'nicolaka/netshoot');
  pod('c', 'minikube', 'busybox');
  pod('b', 'minikube-m02', 'nginx');
  return state;
}

/** The node's root netns as HopLab derives it: eth0 on the underlay, cni0, the pods' veths, the non-kernel routes. */
/** The node's cni0 bridge as HopLab derives it (MAC, MTU, gateway address). */
function addCni0(ns: string, view: ReturnType<typeof nodeNetNamespace>): void {
  const bridge = view.interfaces.find((iface) => iface.kind === 'bridge' && iface.name === 'cni0')!;
  inNs(ns, ['ip', 'link', 'add', 'cni0', 'type', 'bridge']);
  inNs(ns, ['ip', 'link', 'set', 'cni0', 'address', bridge.mac, 'mtu', String(bridge.mtu), 'up']);
  inNs(ns, ['ip', 'addr', 'add', bridge.addresses[0].cidr, 'dev', 'cni0']);
}

/** The pod's namespace, its veth pair on cni0 and its eth0 addresses and routes, as HopLab derives them. */
function wirePod(state: LabState, pod: PodState, nodeNamespace: string, podNamespace: string): void {
  addNamespace(podNamespace);
  const view = podNetNamespace(state, pod.namespace, pod.name);
  const eth0 = view.interfaces.find((iface) => iface.name === 'eth0')!;
  inNs(nodeNamespace, ['ip', 'link', 'add', pod.vethName!, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNamespace]);
  inNs(nodeNamespace, ['ip', 'link', 'set', pod.vethName!, 'address', pod.vethMac!, 'master', 'cni0', 'up']);
  inNs(podNamespace, ['ip', 'link', 'set', 'eth0', 'address', eth0.mac, 'mtu', String(eth0.mtu), 'up']);
  inNs(podNamespace, ['ip', 'addr', 'add', eth0.addresses[0].cidr, 'dev', 'eth0']);
  for (const route of view.routes) {
    if (route.proto === 'kernel') continue;
    inNs(podNamespace, ['ip', 'route', 'add', route.dst, 'via', route.via!, 'dev', route.dev]);
  }
}

function materialise(state: LabState, pods: PodState[]): void {
  const [n0, n1] = [...state.nodes.values()];
  // One L2 segment between the two nodes, as minikube's docker bridge is.
  linkTwoNodes(state, [n0, n1], nodeNs, 'hlu');
  for (const pod of pods) {
    const node = state.nodes.get(pod.node)!;
    const ns = nodeNs(node);
    const nodeView = nodeNetNamespace(state, node.name);
    if (!attempt(ns, ['ip', 'link', 'show', 'cni0']).out.includes('cni0:')) addCni0(ns, nodeView);
    wirePod(state, pod, ns, podNs(pod));
  }
  for (const node of [n0, n1]) {
    for (const route of nodeNetNamespace(state, node.name).routes) {
      if (route.proto === 'kernel' || route.dst === 'default') continue;
      inNs(nodeNs(node), ['ip', 'route', 'add', route.dst, 'via', route.via!, 'dev', route.dev]);
    }
  }
}

function cleanUp(): void {
  listener?.kill();
  listener = undefined;
  removeNamespaces();
}

function requireTools(): void {
  for (const tool of [['ip', '-V'], ['ping', '-V'], ['tracepath', '-V'], ['nc', '-h'], ['iptables', '-V']]) {
    try {
      execFileSync(tool[0], tool.slice(1), { stdio: 'ignore' });
    } catch (error) {
      // nc -h exits 1 after printing its usage; only a missing binary is fatal.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool[0]} is required (iproute2, iptables, iputils-ping, iputils-tracepath, netcat-openbsd)`);
    }
  }
}

describe('the tracer against the real kernel: flannel host-gw, two nodes, three pods', () => {
  const state = buildLab();
  const pods = ['a', 'b', 'c'].map((name) => state.pods.get(`default/${name}`)!);
  const [a, b, c] = pods;

  beforeAll(() => {
    requireTools();
    try {
      materialise(state, pods);
      listener = spawn('ip', ['netns', 'exec', podNs(b), 'nc', '-lk', '80'], { stdio: 'ignore' });
      execFileSync('sleep', ['0.3']);
    } catch (error) {
      cleanUp();
      throw error;
    }
  });
  afterAll(cleanUp);

  function realPing(from: PodState, to: string, ttl = 64): { code: number; ttl?: number; from?: string } {
    const result = attempt(podNs(from), ['ping', '-c1', '-W1', '-t', String(ttl), to]);
    const received = /ttl=(\d+)/.exec(result.out);
    const exceeded = /From (\S+) icmp_seq=1 Time to live exceeded/.exec(result.out);
    return { code: result.code, ...(received ? { ttl: Number(received[1]) } : {}), ...(exceeded ? { from: exceeded[1] } : {}) };
  }

  it('cross-node ping: both deliver, with the same TTL (62: two routed hops)', () => {
    const simulated = trace(state, { from: 'default/a', to: 'default/b', protocol: 'ICMP' });
    const real = realPing(a, b.ip);
    expect(real.code).toBe(0);
    expect(simulated.verdict).toBe('delivered');
    expect(simulated.deliveredTtl).toBe(real.ttl);
  });

  it('same-node ping: bridged, TTL unchanged (64) in both', () => {
    const simulated = trace(state, { from: 'default/a', to: 'default/c', protocol: 'ICMP' });
    const real = realPing(a, c.ip);
    expect(real.code).toBe(0);
    expect(simulated.deliveredTtl).toBe(real.ttl);
  });

  it('TTL 1: the first node drops it; HopLab names the same address the kernel answers from', () => {
    const simulated = trace(state, { from: 'default/a', to: 'default/b', protocol: 'ICMP', ttl: 1 });
    const real = realPing(a, b.ip, 1);
    expect(real.code).not.toBe(0);
    expect(simulated.verdict).toBe('dropped');
    expect(simulated.routeAddresses[0]).toBe(real.from);
  });

  it('tracepath prints what HopLab renders from the trace (times aside): across nodes, and to a neighbour on the bridge', () => {
    const times = (text: string) => text.replace(/ *\d+\.\d{3}ms /g, ' <time> ');
    for (const to of [b, c]) {
      const real = attempt(podNs(a), ['tracepath', '-n', to.ip]);
      expect(real.code).toBe(0);
      const pmtu = pluginDatapath(state).podMtu;
      const simulated = renderTracepath(trace(state, { from: 'default/a', to: `default/${to.name}`, port: 44444, protocol: 'UDP', size: pmtu }), { pmtu });
      expect(times(simulated.stdout)).toBe(times(real.out));
    }
  });

  it('TCP to a listening port connects; to a closed port both refuse', () => {
    const open = attempt(podNs(a), ['nc', '-zv', '-w', '2', b.ip, '80']);
    expect(open.code).toBe(0);
    expect(trace(state, { from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP' }).verdict).toBe('delivered');
    const closed = attempt(podNs(a), ['nc', '-zv', '-w', '2', b.ip, '81']);
    expect(closed.code).not.toBe(0);
    expect(closed.out).toContain('Connection refused');
    expect(trace(state, { from: 'default/a', to: 'default/b', port: 81, protocol: 'TCP' }).verdict).toBe('refused');
  });
});

/** ping -c1 from a pod's namespace: the reply's TTL, or who answered "Time to live exceeded". */
function realPingFrom(ns: string, to: string, ttl = 64): { code: number; ttl?: number; from?: string } {
  const result = attempt(ns, ['ping', '-c1', '-W1', '-t', String(ttl), to]);
  const received = /ttl=(\d+)/.exec(result.out);
  const exceeded = /From (\S+) icmp_seq=1 Time to live exceeded/.exec(result.out);
  return { code: result.code, ...(received ? { ttl: Number(received[1]) } : {}), ...(exceeded ? { from: exceeded[1] } : {}) };
}

describe('the tracer against the real kernel: flannel VXLAN, two nodes, a ClusterIP Service, kube-proxy\'s rules', () => {
  const FLUSH_AT = 40_000;
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'real-vxlan', cluster: { cni: { plugin: 'flannel', backend: 'vxlan' }, kubeProxy: { version: '1.26' } } }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  const pod = (name: string, nodeName: string, image: string, labels: Record<string, string>) =>
    applyCommand(state, { type: 'createPod', namespace: 'default', name, nodeName, labels, containers: [{ name: 'c', image }] }, 0);
  pod('a', 'minikube', 'nicolaka/netshoot', { app: 'client' });
  pod('c', 'minikube', 'busybox', { app: 'client' });
  pod('b', 'minikube-m02', 'nginx', { app: 'web' });
  // One endpoint (b on the other node): the endpoint is pinned, and its reply is routed back (un-DNAT without br_netfilter).
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] } }, 0);
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'empty', selector: { app: 'none' }, ports: [{ port: 80 }] } }, 0);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => state.pods.get(`default/${name}`)!);
  const nodes = [...state.nodes.values()];
  const web = state.services.get('default/web')!.clusterIP;
  const empty = state.services.get('default/empty')!.clusterIP;
  const netNs = `hl-${tag}-net`;
  const gatewayNs = `hl-${tag}-gw`;
  const vxNode = (node: NodeState) => `hl-${tag}-vx-${node.name}`;
  const vxPod = (p: PodState) => `hl-${tag}-vx-${p.name}`;
  let server: ChildProcess | undefined;

  /** One L2 underlay (a bridge in its own namespace) for both nodes and the docker gateway 192.168.49.1, which answers ARP but routes nothing. */
  function underlay(): void {
    addNamespace(netNs);
    inNs(netNs, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    inNs(netNs, ['ip', 'link', 'set', 'br0', 'up']);
    const attach = (ns: string, port: string, mac: string | undefined, cidr: string) => {
      inNs(netNs, ['ip', 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      inNs(netNs, ['ip', 'link', 'set', port, 'master', 'br0', 'up']);
      inNs(ns, ['ip', 'link', 'set', 'eth0', ...(mac ? ['address', mac] : []), 'up']);
      inNs(ns, ['ip', 'addr', 'add', cidr, 'dev', 'eth0']);
    };
    addNamespace(gatewayNs);
    attach(gatewayNs, 'gw', undefined, '192.168.49.1/24');
    nodes.forEach((node, i) => {
      addNamespace(vxNode(node));
      const eth0 = nodeNetNamespace(state, node.name).interfaces.find((iface) => iface.name === 'eth0')!;
      attach(vxNode(node), `n${i}`, eth0.mac, eth0.addresses[0].cidr);
      inNs(vxNode(node), ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    });
  }

  /** flannel.1 as flanneld sets it up, with HopLab's addresses, routes, neighbours and FDB; cni0 and the pods; kube-proxy's tables. */
  function overlay(): void {
    for (const node of nodes) {
      const ns = vxNode(node);
      const view = nodeNetNamespace(state, node.name);
      const vtep = view.interfaces.find((iface) => iface.kind === 'vxlan')!;
      inNs(ns, ['ip', 'link', 'add', vtep.name, 'type', 'vxlan', 'id', String(vtep.vxlan!.id), 'local', vtep.vxlan!.local, 'dev', vtep.vxlan!.dev, 'dstport', String(vtep.vxlan!.port), 'nolearning']);
      inNs(ns, ['ip', 'link', 'set', vtep.name, 'address', vtep.mac, 'mtu', String(vtep.mtu), 'up']);
      inNs(ns, ['ip', 'addr', 'add', vtep.addresses[0].cidr, 'dev', vtep.name]);
      for (const neighbour of view.neighbours.filter((entry) => entry.dev === vtep.name && entry.state === 'PERMANENT')) {
        inNs(ns, ['ip', 'neigh', 'replace', neighbour.ip, 'lladdr', neighbour.mac!, 'dev', vtep.name, 'nud', 'permanent']);
      }
      for (const entry of view.fdb.filter((fdb) => fdb.dev === vtep.name && fdb.dst)) {
        inNs(ns, ['bridge', 'fdb', 'append', entry.mac, 'dev', vtep.name, 'dst', entry.dst!, 'self', 'permanent']);
      }
      addCni0(ns, view);
    }
    for (const p of [a, b, c]) wirePod(state, p, vxNode(state.nodes.get(p.node)!), vxPod(p));
    for (const node of nodes) {
      for (const route of nodeNetNamespace(state, node.name).routes) {
        if (route.proto === 'kernel' || !route.via) continue;
        inNs(vxNode(node), ['ip', 'route', 'add', route.dst, 'via', route.via, 'dev', route.dev, ...(route.onlink ? ['onlink'] : [])]);
      }
      execFileSync('ip', ['netns', 'exec', vxNode(node), 'iptables-restore'], { input: nodeIptablesSave(state, node.name), stdio: ['pipe', 'ignore', 'pipe'] });
    }
  }

  /** The same iptables command in HopLab (an event at `time`) and in the node's namespace. */
  function iptablesOn(node: NodeState, args: string[], time: number): void {
    applyCommand(state, { type: 'iptables', node: node.name, args }, time);
    inNs(vxNode(node), ['iptables', ...args]);
  }

  const connect = (ip: string, port: number) => attempt(vxPod(a), ['nc', '-zv', '-w', '2', ip, String(port)]);
  const traced = (to: string, port: number, now = state.time) => trace(state, { from: 'default/a', to, port, protocol: 'TCP' }, { now });

  beforeAll(() => {
    requireTools();
    try {
      underlay();
      overlay();
      server = spawn('ip', ['netns', 'exec', vxPod(b), 'nc', '-lk', '80'], { stdio: 'ignore' });
      execFileSync('sleep', ['0.3']);
    } catch (error) {
      server?.kill();
      cleanUp();
      throw error;
    }
  });
  afterAll(() => {
    server?.kill();
    cleanUp();
  });

  it('cross-node ping through flannel.1 (VXLAN VNI 1, UDP 8472): both deliver with TTL 62', () => {
    const simulated = trace(state, { from: 'default/a', to: 'default/b', protocol: 'ICMP' });
    const real = realPingFrom(vxPod(a), b.ip);
    expect(real.code).toBe(0);
    expect(simulated.verdict).toBe('delivered');
    expect(simulated.hops.find((hop) => hop.action === 'encapsulate')!.packet.outer).toMatchObject({ src: nodes[0].ip, dst: nodes[1].ip, dstPort: 8472, vni: 1 });
    expect(simulated.deliveredTtl).toBe(real.ttl);
  });

  it('TTL 2 dies on the second node: HopLab names the address the kernel answers from', () => {
    const simulated = trace(state, { from: 'default/a', to: 'default/b', protocol: 'ICMP', ttl: 2 });
    const real = realPingFrom(vxPod(a), b.ip, 2);
    expect(real.code).not.toBe(0);
    expect(simulated.verdict).toBe('dropped');
    expect(simulated.routeAddresses[1]).toBe(real.from);
  });

  it('tracepath across the VXLAN overlay prints what HopLab renders (times aside): pmtu 1450, flannel.1 of the other node', () => {
    const pmtu = pluginDatapath(state).podMtu;
    const real = attempt(vxPod(a), ['tracepath', '-n', b.ip]);
    expect(real.code).toBe(0);
    const simulated = renderTracepath(trace(state, { from: 'default/a', to: 'default/b', port: 44444, protocol: 'UDP', size: pmtu }), { pmtu });
    const times = (text: string) => text.replace(/ *\d+\.\d{3}ms /g, ' <time> ');
    expect(times(simulated.stdout)).toBe(times(real.out));
    expect(simulated.stdout).toContain('pmtu 1450');
  });

  it('pod → ClusterIP: kube-proxy\'s DNAT in the restored tables connects to the one endpoint HopLab names', () => {
    const real = connect(web, 8080);
    expect(real.code).toBe(0);
    const simulated = traced('web.default', 8080);
    expect(simulated.verdict).toBe('delivered');
    expect(simulated.hops.find((hop) => hop.action === 'deliver')!.packet.l3).toMatchObject({ dst: b.ip });
    expect(simulated.hops.find((hop) => hop.action === 'deliver')!.packet.l4).toMatchObject({ dstPort: 80 });
    // The endpoint's own port answers too, and nothing else listens there.
    expect(attempt(vxPod(a), ['nc', '-zv', '-w', '2', b.ip, '80']).code).toBe(0);
    expect(attempt(vxPod(a), ['nc', '-zv', '-w', '2', c.ip, '80']).out).toContain('Connection refused');
  });

  it('a Service without endpoints: kube-proxy\'s REJECT refuses in both', () => {
    const real = connect(empty, 80);
    expect(real.code).not.toBe(0);
    expect(real.out).toContain('Connection refused');
    expect(traced('empty.default', 80).verdict).toBe('refused');
  });

  it('a user REJECT in FORWARD refuses in both; deleted again, the Service connects', () => {
    const rule = ['FORWARD', '-d', `${b.ip}/32`, '-p', 'tcp', '-j', 'REJECT'];
    iptablesOn(nodes[0], ['-I', ...rule], 20_000);
    const real = connect(web, 8080);
    expect(real.out).toContain('Connection refused');
    expect(traced('web.default', 8080, 20_000).verdict).toBe('refused');
    iptablesOn(nodes[0], ['-D', ...rule], 21_000);
    expect(connect(web, 8080).code).toBe(0);
    expect(traced('web.default', 8080, 21_000).verdict).toBe('delivered');
  });

  it('after iptables -t nat -F on the client\'s node the ClusterIP goes nowhere: the kernel times out, HopLab drops it naming the flush', () => {
    iptablesOn(nodes[0], ['-t', 'nat', '-F'], FLUSH_AT);
    const real = connect(web, 8080);
    expect(real.code).not.toBe(0);
    expect(real.out).not.toContain('refused');
    const simulated = traced('web.default', 8080, FLUSH_AT + 1_000);
    expect(simulated.verdict).toBe('dropped');
    expect(simulated.hops.at(-1)!.causedBy).toBe(state.version);
  });
});
