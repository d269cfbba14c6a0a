import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { applyCommand, initialState, nodeNetNamespace, podNetNamespace, trace, type LabState, type NodeState, type PodState } from '@hoplab/simulator';

/**
 * HopLab's tracer against the real kernel: the flannel lab of two nodes (host-gw backend) and three
 * pods is built out of network namespaces with exactly the addresses, MACs, bridges, veths and
 * routes HopLab derives; real traffic (ping, nc) runs inside them only, and HopLab's verdicts and
 * TTLs must match what the kernel did. Needs root, iproute2, iputils-ping and netcat-openbsd; it
 * fails, never skips, without them. The VXLAN backend needs the kernel's vxlan device, which the
 * development container lacks, so the overlay is not part of this check yet.
 */
const tag = `${process.pid % 100000}`;
const created: string[] = [];
let listener: ChildProcess | undefined;

function run(args: string[]): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function inNs(ns: string, args: string[]): string {
  return run(['ip', 'netns', 'exec', ns, ...args]);
}

/** Runs a command that may fail; returns its exit code and output. */
function attempt(ns: string, args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: inNs(ns, args) };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { code: failure.status, out: `${failure.stdout}${failure.stderr}` };
  }
}

const nodeNs = (node: NodeState) => `hl-${tag}-${node.name}`;
const podNs = (pod: PodState) => `hl-${tag}-${pod.name}`;

function addNamespace(name: string): void {
  run(['ip', 'netns', 'add', name]);
  created.push(name);
  inNs(name, ['ip', 'link', 'set', 'lo', 'up']);
}

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
function materialise(state: LabState, pods: PodState[]): void {
  const [n0, n1] = [...state.nodes.values()];
  for (const node of [n0, n1]) addNamespace(nodeNs(node));
  // One L2 segment between the two nodes, as minikube's docker bridge is.
  run(['ip', 'link', 'add', `hlu0-${tag}`, 'type', 'veth', 'peer', 'name', `hlu1-${tag}`]);
  [n0, n1].forEach((node, i) => {
    const ns = nodeNs(node);
    run(['ip', 'link', 'set', `hlu${i}-${tag}`, 'netns', ns]);
    inNs(ns, ['ip', 'link', 'set', `hlu${i}-${tag}`, 'name', 'eth0']);
    const eth0 = nodeNetNamespace(state, node.name).interfaces.find((iface) => iface.name === 'eth0')!;
    inNs(ns, ['ip', 'link', 'set', 'eth0', 'address', eth0.mac, 'mtu', String(eth0.mtu), 'up']);
    inNs(ns, ['ip', 'addr', 'add', eth0.addresses[0].cidr, 'dev', 'eth0']);
    inNs(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  });
  for (const pod of pods) {
    const node = state.nodes.get(pod.node)!;
    const ns = nodeNs(node);
    const nodeView = nodeNetNamespace(state, node.name);
    const bridge = nodeView.interfaces.find((iface) => iface.kind === 'bridge' && iface.name === 'cni0')!;
    if (!attempt(ns, ['ip', 'link', 'show', 'cni0']).out.includes('cni0:')) {
      inNs(ns, ['ip', 'link', 'add', 'cni0', 'type', 'bridge']);
      inNs(ns, ['ip', 'link', 'set', 'cni0', 'address', bridge.mac, 'mtu', String(bridge.mtu), 'up']);
      inNs(ns, ['ip', 'addr', 'add', bridge.addresses[0].cidr, 'dev', 'cni0']);
    }
    addNamespace(podNs(pod));
    const eth0 = podNetNamespace(state, pod.namespace, pod.name).interfaces.find((iface) => iface.name === 'eth0')!;
    inNs(ns, ['ip', 'link', 'add', pod.vethName!, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNs(pod)]);
    inNs(ns, ['ip', 'link', 'set', pod.vethName!, 'address', pod.vethMac!, 'master', 'cni0', 'up']);
    inNs(podNs(pod), ['ip', 'link', 'set', 'eth0', 'address', eth0.mac, 'mtu', String(eth0.mtu), 'up']);
    inNs(podNs(pod), ['ip', 'addr', 'add', eth0.addresses[0].cidr, 'dev', 'eth0']);
    for (const route of podNetNamespace(state, pod.namespace, pod.name).routes) {
      if (route.proto === 'kernel') continue;
      inNs(podNs(pod), ['ip', 'route', 'add', route.dst, 'via', route.via!, 'dev', route.dev]);
    }
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
  for (const ns of created.splice(0).reverse()) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}

describe('the tracer against the real kernel: flannel host-gw, two nodes, three pods', () => {
  const state = buildLab();
  const pods = ['a', 'b', 'c'].map((name) => state.pods.get(`default/${name}`)!);
  const [a, b, c] = pods;

  beforeAll(() => {
    for (const tool of [['ip', '-V'], ['ping', '-V'], ['nc', '-h']]) {
      try {
        execFileSync(tool[0], tool.slice(1), { stdio: 'ignore' });
      } catch (error) {
        // nc -h exits 1 after printing its usage; only a missing binary is fatal.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool[0]} is required (iproute2, iputils-ping, netcat-openbsd)`);
      }
    }
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
