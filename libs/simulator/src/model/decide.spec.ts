import { labEvents } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from './apply';
import type { Command } from './commands';
import { decide } from './decide';
import { SimulatorError } from './errors';
import { initialState, toSnapshot } from './state';

const ctx = { time: 0, actor: 'test' };
const container = [{ name: 'c', image: 'nginx' }];

function lab(cluster: Extract<Command, { type: 'createLab' }>['cluster'] = {}, nodes = 0): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster });
  for (let i = 0; i < nodes; i++) applyCommand(state, { type: 'addNode' });
  return state;
}

function pod(state: LabState, name: string, extra: Partial<Extract<Command, { type: 'createPod' }>> = {}) {
  applyCommand(state, { type: 'createPod', namespace: 'default', name, containers: container, ...extra });
  return state.pods.get(`${extra.namespace ?? 'default'}/${name}`)!;
}

function refusal(state: LabState, command: Command): SimulatorError {
  const before = JSON.stringify(toSnapshot(state));
  try {
    decide(state, command, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    expect(JSON.stringify(toSnapshot(state))).toBe(before);
    return error as SimulatorError;
  }
  throw new Error(`expected ${command.type} to be refused`);
}

describe('createLab', () => {
  it('given no lab, when created with defaults, then it has minikube --cni flannel settings and the system namespaces', () => {
    const state = lab();
    expect(state.cluster.cni).toEqual({ plugin: 'flannel', backend: 'vxlan', encryption: null });
    expect([...state.namespaces.keys()].sort()).toEqual(['default', 'kube-flannel', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(state.namespaces.get('default')!.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
  });

  it('given the bridge plugin, when created, then there is no kube-flannel namespace', () => {
    expect(lab({ cni: { plugin: 'bridge' } }).namespaces.has('kube-flannel')).toBe(false);
  });

  it('given a lab, when created again, then it is a conflict', () => {
    expect(refusal(lab(), { type: 'createLab', name: 'x' }).code).toBe('conflict');
  });

  it('given inconsistent cluster settings, when created, then it is invalid with the field path', () => {
    const state = initialState();
    expect(refusal(state, { type: 'createLab', name: 'x', cluster: { podCIDR: '10.244.0.1/16' } })).toMatchObject({ code: 'invalid', path: 'cluster.podCIDR' });
    expect(refusal(state, { type: 'createLab', name: 'x', cluster: { podCIDR: '10.96.0.0/16' } })).toMatchObject({ code: 'invalid', path: 'cluster.serviceCIDR' });
    expect(refusal(state, { type: 'createLab', name: 'x', cluster: { podCIDR: '10.0.0.0/24', nodeCIDRMaskSize: 16 } })).toMatchObject({ path: 'cluster.nodeCIDRMaskSize' });
    expect(refusal(state, { type: 'createLab', name: 'x', cluster: { mtu: 10 } })).toMatchObject({ code: 'invalid', path: 'cluster.mtu' });
  });

  it('given no lab, when any other command arrives, then it is invalid', () => {
    expect(refusal(initialState(), { type: 'addNode' }).code).toBe('invalid');
  });
});

describe('addNode', () => {
  it('given a minikube lab, when nodes are added, then they are named, addressed and given podCIDRs like minikube', () => {
    const state = lab({}, 3);
    expect([...state.nodes.values()].map((n) => [n.name, n.ip, n.podCIDR, n.role])).toEqual([
      ['minikube', '192.168.49.2', '10.244.0.0/24', 'control-plane'],
      ['minikube-m02', '192.168.49.3', '10.244.1.0/24', 'worker'],
      ['minikube-m03', '192.168.49.4', '10.244.2.0/24', 'worker'],
    ]);
    expect(state.nodes.get('minikube-m02')!.mac).toBe('02:42:c0:a8:31:03');
  });

  it('given a node was removed, when a node is added, then the lowest free name, address and podCIDR are reused', () => {
    const state = lab({}, 3);
    applyCommand(state, { type: 'removeNode', name: 'minikube-m02' });
    applyCommand(state, { type: 'addNode' });
    expect(state.nodes.get('minikube-m02')).toMatchObject({ ip: '192.168.49.3', podCIDR: '10.244.1.0/24' });
  });

  it('given an explicit podCIDR inside the cluster CIDR, when added, then it is honoured and skipped by later nodes', () => {
    const state = lab({}, 0);
    applyCommand(state, { type: 'addNode', name: 'a', podCIDR: '10.244.0.0/24' });
    applyCommand(state, { type: 'addNode', name: 'b', podCIDR: '10.244.1.0/24' });
    applyCommand(state, { type: 'addNode', name: 'c' });
    expect(state.nodes.get('c')!.podCIDR).toBe('10.244.2.0/24');
  });

  it('given a podCIDR outside the cluster CIDR or overlapping another node, when added, then it is refused', () => {
    const state = lab({}, 1);
    expect(refusal(state, { type: 'addNode', name: 'x', podCIDR: '10.10.0.0/24' })).toMatchObject({
      code: 'invalid',
      path: 'podCIDR',
      message: 'podCIDR 10.10.0.0/24 is not inside the cluster pod CIDR 10.244.0.0/16',
    });
    expect(refusal(state, { type: 'addNode', name: 'x', podCIDR: '10.244.0.0/23' })).toMatchObject({
      code: 'conflict',
      message: 'podCIDR 10.244.0.0/23 overlaps 10.244.0.0/24 of node minikube',
    });
    expect(refusal(state, { type: 'addNode', name: 'x', podCIDR: '10.244.9.1/24' }).code).toBe('invalid');
  });

  it('given every node range is taken, when a node is added, then the cluster CIDR is exhausted', () => {
    const state = lab({ podCIDR: '10.244.0.0/23', nodeCIDRMaskSize: 24 }, 2);
    expect(refusal(state, { type: 'addNode' }).code).toBe('exhausted');
  });

  it('given a name in use or not DNS-1123, when added, then it is a conflict or invalid', () => {
    const state = lab({}, 1);
    expect(refusal(state, { type: 'addNode', name: 'minikube' })).toMatchObject({ code: 'conflict', message: 'nodes "minikube" already exists' });
    const invalid = refusal(state, { type: 'addNode', name: 'Node_1' });
    expect(invalid.code).toBe('invalid');
    expect(invalid.message).toContain('Node "Node_1" is invalid: metadata.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain');
  });

  it('given explicit node addresses, when they clash or lie outside the node network, then they are refused', () => {
    const state = lab({}, 1);
    expect(refusal(state, { type: 'addNode', name: 'x', ip: '192.168.49.2' }).code).toBe('conflict');
    expect(refusal(state, { type: 'addNode', name: 'x', ip: '10.1.1.1' }).code).toBe('invalid');
    expect(refusal(state, { type: 'addNode', name: 'x', ip: '192.168.49.255' }).code).toBe('invalid');
    applyCommand(state, { type: 'addNode', name: 'x', ip: '192.168.49.77' });
    expect(state.nodes.get('x')!.ip).toBe('192.168.49.77');
  });

  it('given flannel host-gw, when a node on another L2 segment is added, then it is refused', () => {
    const state = lab({ cni: { plugin: 'flannel', backend: 'host-gw' } }, 1);
    const error = refusal(state, { type: 'addNode', name: 'far', ip: '172.16.5.2/24' });
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('host-gw needs every node on one L2 segment');
    expect(() => applyCommand(lab({}, 1), { type: 'addNode', name: 'far', ip: '172.16.5.2/24' })).not.toThrow();
  });

  it('given the first node, when added, then minikube system pods exist with hostNetwork node IPs and coredns on .2', () => {
    const state = lab({}, 2);
    const rows = [...state.pods.values()].map((p) => `${p.namespace} ${p.name.replace(/-[a-z0-9]{5}$/, '-x').replace(/coredns-[a-z0-9]{10}/, 'coredns-h')} ${p.ip} ${p.node}`).sort();
    expect(rows).toEqual([
      'kube-flannel kube-flannel-ds-x 192.168.49.2 minikube',
      'kube-flannel kube-flannel-ds-x 192.168.49.3 minikube-m02',
      'kube-system coredns-h-x 10.244.0.2 minikube',
      'kube-system etcd-minikube 192.168.49.2 minikube',
      'kube-system kube-apiserver-minikube 192.168.49.2 minikube',
      'kube-system kube-controller-manager-minikube 192.168.49.2 minikube',
      'kube-system kube-proxy-x 192.168.49.2 minikube',
      'kube-system kube-proxy-x 192.168.49.3 minikube-m02',
      'kube-system kube-scheduler-minikube 192.168.49.2 minikube',
      'kube-system storage-provisioner 192.168.49.2 minikube',
    ]);
    expect([...state.pods.values()].every((p) => p.phase === 'Running')).toBe(true);
  });

  it('records every decision in valid events', () => {
    const state = lab();
    for (const event of applyCommand(state, { type: 'addNode' })) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
  });
});

describe('createPod', () => {
  it('given pods without nodeName, when created, then they go to the least-loaded node, ties to the oldest', () => {
    const state = lab({}, 3);
    // minikube carries 8 pods, the workers 2 each.
    expect(['p1', 'p2', 'p3', 'p4'].map((name) => pod(state, name).node)).toEqual(['minikube-m02', 'minikube-m03', 'minikube-m02', 'minikube-m03']);
  });

  it('given pods on one node, when created, then host-local hands out .2, .3, ... (.2 is coredns on the first node)', () => {
    const state = lab({}, 2);
    expect(['a', 'b', 'c'].map((name) => pod(state, name, { nodeName: 'minikube' }).ip)).toEqual(['10.244.0.3', '10.244.0.4', '10.244.0.5']);
    expect(pod(state, 'd', { nodeName: 'minikube-m02' })).toMatchObject({ ip: '10.244.1.2', phase: 'Running', prefixLength: 24, gateway: '10.244.1.1' });
  });

  it('given a deleted pod, when the next pod is created, then its address is not reused before the range wraps', () => {
    const state = lab({ podCIDR: '10.0.0.0/16', nodeCIDRMaskSize: 29 }, 0);
    applyCommand(state, { type: 'addNode', name: 'n', role: 'worker' });
    expect(['a', 'b'].map((name) => pod(state, name).ip)).toEqual(['10.0.0.2', '10.0.0.3']);
    applyCommand(state, { type: 'deletePod', namespace: 'default', name: 'a' });
    expect(['c', 'd', 'e', 'f'].map((name) => pod(state, name).ip)).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.2']);
  });

  it('given a full node range, when a pod is created there, then it is exhausted with host-local\'s message', () => {
    const state = lab({ podCIDR: '10.0.0.0/16', nodeCIDRMaskSize: 30 }, 0);
    applyCommand(state, { type: 'addNode', name: 'n', role: 'worker' });
    pod(state, 'a');
    const error = refusal(state, { type: 'createPod', namespace: 'default', name: 'b', containers: container });
    expect(error.code).toBe('exhausted');
    expect(error.message).toBe('pod default/b on node n: CNI ADD failed: failed to allocate for range 0: no IP addresses available in range set: 10.0.0.1-10.0.0.2');
    expect(error.cni).toMatchObject({ command: 'ADD', exitCode: 1, stdout: { code: 999 } });
  });

  it('given the pinned-address annotation, when the address is free, then it is honoured and picks the node', () => {
    const state = lab({}, 2);
    const pinned = pod(state, 'pinned', { annotations: { 'cni.projectcalico.org/ipAddrs': '["10.244.1.50"]' } });
    expect(pinned).toMatchObject({ ip: '10.244.1.50', node: 'minikube-m02' });
    expect(pod(state, 'next', { nodeName: 'minikube-m02' }).ip).toBe('10.244.1.51');
  });

  it('given the pinned-address annotation, when it is outside the node range, in use, the gateway or malformed, then it is refused with the reason', () => {
    const state = lab({}, 2);
    const pin = (ip: string, nodeName?: string): Command => ({
      type: 'createPod',
      namespace: 'default',
      name: 'x',
      nodeName,
      annotations: { 'cni.projectcalico.org/ipAddrs': JSON.stringify([ip]) },
      containers: container,
    });
    expect(refusal(state, pin('10.244.1.9', 'minikube'))).toMatchObject({ code: 'invalid', path: 'annotations.cni.projectcalico.org/ipAddrs' });
    expect(refusal(state, pin('10.244.1.9', 'minikube')).message).toContain("outside node minikube's podCIDR 10.244.0.0/24");
    expect(refusal(state, pin('10.244.0.2')).message).toContain('is in use by kube-system/coredns-');
    expect(refusal(state, pin('10.244.0.2')).code).toBe('conflict');
    expect(refusal(state, pin('10.244.0.1')).message).toContain("requested ip 10.244.0.1 is subnet's gateway");
    expect(refusal(state, pin('10.99.0.1')).code).toBe('invalid');
    const malformed: Command = { type: 'createPod', namespace: 'default', name: 'x', annotations: { 'cni.projectcalico.org/ipAddrs': '10.244.0.9' }, containers: container };
    expect(refusal(state, malformed).code).toBe('invalid');
  });

  it('given unknown nodes or namespaces, duplicates and invalid names, when created, then it is refused accordingly', () => {
    const state = lab({}, 1);
    pod(state, 'web');
    const base = { type: 'createPod' as const, namespace: 'default', name: 'n', containers: container };
    expect(refusal(state, { ...base, nodeName: 'ghost' })).toMatchObject({ code: 'not-found', message: 'nodes "ghost" not found' });
    expect(refusal(state, { ...base, namespace: 'ghost' })).toMatchObject({ code: 'not-found', message: 'namespaces "ghost" not found' });
    expect(refusal(state, { ...base, name: 'web' })).toMatchObject({ code: 'conflict', message: 'pods "web" already exists' });
    expect(refusal(state, { ...base, name: '-web' }).code).toBe('invalid');
    expect(refusal(state, { ...base, containers: [] })).toMatchObject({ code: 'invalid', path: 'containers' });
    expect(refusal(state, { ...base, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] }).path).toBe('containers.0.ports.0.containerPort');
  });

  it('given no nodes, when a pod is created, then it cannot be scheduled', () => {
    expect(refusal(lab(), { type: 'createPod', namespace: 'default', name: 'a', containers: container }).code).toBe('invalid');
  });

  it('given hostNetwork, when created, then the pod has the node IP and no CNI call', () => {
    const state = lab({}, 1);
    const events = applyCommand(state, { type: 'createPod', namespace: 'default', name: 'h', hostNetwork: true, containers: container });
    expect(events.map((e) => e.type)).toEqual(['PodCreated']);
    expect(state.pods.get('default/h')!.ip).toBe('192.168.49.2');
  });
});

describe('deletions', () => {
  it('given a pod, when deleted, then its address is released and the runtime ran a DEL', () => {
    const state = lab({}, 1);
    const web = pod(state, 'web');
    const [deleted] = applyCommand(state, { type: 'deletePod', namespace: 'default', name: 'web' });
    const del = state.nodes.get('minikube')!.cniLog.at(-1)!;
    expect(del.seq).toBe(deleted.seq);
    expect(del.call).toMatchObject({ command: 'DEL', containerId: web.containerId, netns: web.netns, ifName: 'eth0', exitCode: 0, stdout: null });
    expect(state.nodes.get('minikube')!.allocated.has(web.ip)).toBe(false);
    expect(refusal(state, { type: 'deletePod', namespace: 'default', name: 'web' }).code).toBe('not-found');
  });

  it('given a node with pods, when removed, then its pods go with DELs and the node is gone', () => {
    const state = lab({}, 2);
    pod(state, 'web', { nodeName: 'minikube-m02' });
    const removed = state.nodes.get('minikube-m02')!;
    const logged = removed.cniLog.length;
    const events = applyCommand(state, { type: 'removeNode', name: 'minikube-m02' });
    expect(events.map((e) => e.type)).toEqual(['PodDeleted', 'PodDeleted', 'PodDeleted', 'NodeRemoved']);
    // Only the pod with a sandbox network goes through CNI DEL (the others are hostNetwork).
    expect(removed.cniLog.slice(logged).map((entry) => [entry.seq, entry.call.command, entry.call.args])).toEqual([[events[2].seq, 'DEL', expect.stringContaining('K8S_POD_NAME=web')]]);
    expect([...state.pods.values()].some((p) => p.node === 'minikube-m02')).toBe(false);
    expect(refusal(state, { type: 'removeNode', name: 'minikube-m02' }).code).toBe('not-found');
  });

  it('given namespaces, when deleted, then their pods go; system namespaces may not be deleted', () => {
    const state = lab({}, 1);
    applyCommand(state, { type: 'createNamespace', name: 'x', labels: { team: 'a' } });
    expect(state.namespaces.get('x')!.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'x' });
    pod(state, 'a', { namespace: 'x' });
    applyCommand(state, { type: 'deleteNamespace', name: 'x' });
    expect(state.pods.has('x/a')).toBe(false);
    expect(state.namespaces.has('x')).toBe(false);
    expect(refusal(state, { type: 'deleteNamespace', name: 'kube-system' }).message).toBe('namespaces "kube-system" is forbidden: this namespace may not be deleted');
    expect(refusal(state, { type: 'deleteNamespace', name: 'x' }).code).toBe('not-found');
    expect(refusal(state, { type: 'createNamespace', name: 'default' }).code).toBe('conflict');
    expect(refusal(state, { type: 'createNamespace', name: 'a.b' }).code).toBe('invalid');
  });
});

describe('addRouter', () => {
  it('given routes whose next hop is on none of its networks, or a taken address, when added, then it is refused', () => {
    const state = lab({ cni: { plugin: 'bridge' }, nodeNetwork: '172.16.100.0/24' }, 0);
    applyCommand(state, { type: 'addNode', name: 'vm1', ip: '172.16.100.1', podCIDR: '10.244.0.0/24' });
    const base = { type: 'addRouter' as const, name: 'r1', interfaces: [{ ip: '172.16.100.254', network: '172.16.100.0/24' }], routes: [] };
    expect(refusal(state, { ...base, routes: [{ dst: '10.244.1.0/24', via: '172.16.200.2' }] }).path).toBe('routes.0.via');
    expect(refusal(state, { ...base, interfaces: [{ ip: '172.16.100.1', network: '172.16.100.0/24' }] }).code).toBe('conflict');
    expect(refusal(state, { ...base, interfaces: [] }).code).toBe('invalid');
    applyCommand(state, base);
    expect(refusal(state, base).code).toBe('conflict');
  });
});

describe('setClock', () => {
  const lab = () => {
    const state = initialState();
    applyCommand(state, { type: 'createLab', name: 'clock', cluster: {} }, 0);
    return state;
  };

  it('pauses, changes speed and advances simulated time', () => {
    const state = lab();
    expect(applyCommand(state, { type: 'setClock', speed: 0 }, 1000).map((e) => e.data)).toEqual([{ speed: 0 }]);
    expect(state.cluster.clock.speed).toBe(0);
    expect(state.time).toBe(1000);
    applyCommand(state, { type: 'setClock', advanceMs: 30_000 }, 1000);
    expect(state.time).toBe(31_000);
    applyCommand(state, { type: 'setClock', speed: 2, advanceMs: 500 }, 31_000);
    expect(state.cluster.clock.speed).toBe(2);
    expect(state.time).toBe(31_500);
  });

  it('decides nothing for an empty change and refuses bad values', () => {
    expect(applyCommand(lab(), { type: 'setClock' })).toEqual([]);
    expect(() => decide(lab(), { type: 'setClock', speed: -1 }, { time: 0, actor: 't' })).toThrow(SimulatorError);
    expect(() => decide(lab(), { type: 'setClock', advanceMs: 1.5 }, { time: 0, actor: 't' })).toThrow(/whole/);
  });
});
