import type { Hop, LabStateView } from './api';
import { hopElementId, ids, pluginDevices, SCALE, topologyElements, topologyLayout } from './topology-model';

const state = (overrides: Partial<LabStateView> = {}): LabStateView => ({
  version: 9,
  time: 0,
  cluster: { cni: { plugin: 'flannel', backend: 'vxlan' }, podCIDR: '10.244.0.0/16', nodeNetwork: '192.168.49.0/24' },
  nodes: [
    { name: 'minikube', ip: '192.168.49.2', podCIDR: '10.244.0.0/24', ready: true },
    { name: 'minikube-m02', ip: '192.168.49.3', podCIDR: '10.244.1.0/24', ready: true },
  ],
  namespaces: [],
  pods: [
    { namespace: 'kube-system', name: 'etcd-minikube', labels: { component: 'etcd' }, node: 'minikube', ip: '192.168.49.2', phase: 'Running' },
    { namespace: 'default', name: 'web', labels: { app: 'web' }, node: 'minikube-m02', ip: '10.244.1.2', phase: 'Running' },
  ],
  services: [{ namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 80, protocol: 'TCP' }], endpoints: ['10.244.1.2:80'] }],
  networkPolicies: [],
  ...overrides,
});

const hop = (fields: Partial<Hop>): Hop => ({ index: 0, node: 'minikube', netns: 'node', device: 'eth0', layer: 'L3', action: 'route', summary: '', ...fields });

describe('topologyElements', () => {
  const elements = topologyElements(state());
  const byId = new Map(elements.map((element) => [element.data.id, element]));
  const edge = (source: string, target: string) => elements.find((element) => element.data.source === source && element.data.target === target);

  it('puts eth0 with its address and the plugin devices inside each node, chained from the underlay', () => {
    expect(byId.get('node:minikube-m02')?.data.label).toBe('minikube-m02\n10.244.1.0/24');
    expect(byId.get('dev:minikube-m02:eth0')?.data).toMatchObject({ label: 'eth0 192.168.49.3', parent: 'node:minikube-m02' });
    expect(edge('underlay', 'dev:minikube:eth0')).toBeDefined();
    expect(edge('dev:minikube:eth0', 'dev:minikube:flannel.1')).toBeDefined();
    expect(edge('dev:minikube:flannel.1', 'dev:minikube:cni0')).toBeDefined();
    expect(byId.get('underlay')?.data.label).toBe('docker network 192.168.49.0/24');
  });

  it('hangs pods on the bridge through a veth, host-network pods on eth0, and links services to their endpoints', () => {
    expect(byId.get('pod:default/web')?.data.label).toBe('default/web\n10.244.1.2\napp=web');
    expect(edge('dev:minikube-m02:cni0', 'pod:default/web')?.data.kind).toBe('veth');
    expect(edge('dev:minikube:eth0', 'pod:kube-system/etcd-minikube')?.data.kind).toBe('host');
    expect(edge('svc:default/web', 'pod:default/web')?.data.kind).toBe('endpoint');
    const withApiServer = topologyElements(
      state({ services: [{ namespace: 'default', name: 'kubernetes', type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [], endpoints: ['192.168.49.2:8443'] }] }),
    );
    expect(withApiServer.find((element) => element.data.source === 'svc:default/kubernetes')?.data.target).toBe('dev:minikube:eth0');
  });

  it('draws routers beside the underlay', () => {
    const routed = topologyElements(state({ routers: [{ name: 'router', interfaces: [{ ip: '172.16.100.254', network: '172.16.100.0/24' }], routes: [] }] }));
    expect(routed.find((element) => element.data.id === 'router:router')?.data.label).toBe('router\n172.16.100.254');
  });
});

describe('topologyElements at classroom scale', () => {
  const nodes = Array.from({ length: 50 }, (_, n) => ({ name: `node-${n}`, ip: `192.168.49.${n + 2}`, podCIDR: `10.244.${n}.0/24`, ready: true }));
  const pods = nodes.flatMap((node, n) =>
    Array.from({ length: 10 }, (_, p) => ({ namespace: 'default', name: `pod-${n}-${p}`, labels: { app: `app-${p}` }, node: node.name, ip: `10.244.${n}.${p + 2}`, phase: 'Running' })),
  );
  const services = [{ namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 80, protocol: 'TCP' }], endpoints: ['10.244.0.2:80', '10.244.0.3:80', '10.244.7.2:80'] }];
  const big = state({ nodes, pods, services });
  const everything = new Set([...nodes.map((_, n) => ids.nodeGroup(Math.floor(n / SCALE.nodesPerGroup))), ...nodes.map((node) => ids.podGroup(node.name))]);
  const kinds = (elements: ReturnType<typeof topologyElements>) => elements.reduce<Record<string, number>>((count, element) => ({ ...count, [element.data.kind]: (count[element.data.kind] ?? 0) + 1 }), {});

  it('draws 50 nodes as nine collapsed groups of a row each, their pods hidden in them, the Service linked to the groups', () => {
    const layout = topologyLayout(big);
    const groups = layout.elements.filter((element) => element.data.kind === 'node-group');
    expect(groups.map((group) => group.data.id)).toEqual(Array.from({ length: 9 }, (_, i) => `group:${i}`));
    expect(groups[1].data.label).toBe('node-6 … node-11\n6 nodes · 60 pods (click to expand)');
    expect(kinds(layout.elements)).toMatchObject({ 'node-group': 9, underlay: 1, service: 1 });
    expect(kinds(layout.elements).pod).toBeUndefined();
    expect(layout.hiddenIn.get('pod:default/pod-7-0')).toBe('group:1');
    expect(layout.containers.get('pod:default/pod-7-0')).toEqual(['group:1', 'pods:node-7']);
    expect(layout.elements.filter((element) => element.data.source === 'svc:default/web').map((edge) => edge.data.target)).toEqual(['group:0', 'group:1']);
    // Search looks through what is hidden too.
    expect(layout.searchable.find((entry) => entry.id === 'pod:default/pod-49-9')?.label).toBe('default/pod-49-9\n10.244.49.11\napp=app-9');
    // The groups stack: each collapsed row below the one before.
    expect(groups.map((group) => group.position?.y)).toEqual(Array.from({ length: 9 }, (_, i) => i * 120));
  });

  it('expands a group into its six nodes, each with its pods in one box until that box is expanded too', () => {
    const open = topologyLayout(big, new Set(['group:1']));
    expect(open.elements.find((element) => element.data.id === 'node:node-7')?.data.parent).toBe('group:1');
    const podGroup = open.elements.find((element) => element.data.id === 'pods:node-7');
    expect(podGroup?.data).toMatchObject({ kind: 'pod-group', parent: 'node:node-7', label: '10 pods (click to expand)\ndefault 10' });
    expect(open.hiddenIn.get('pod:default/pod-7-0')).toBe('pods:node-7');
    expect(open.elements.filter((element) => element.data.source === 'svc:default/web').map((edge) => edge.data.target)).toEqual(['group:0', 'pods:node-7']);
    const pods = topologyLayout(big, new Set(['group:1', 'pods:node-7'])).elements.filter((element) => element.data.kind === 'pod');
    expect(pods.map((pod) => pod.data.id)).toEqual(Array.from({ length: 10 }, (_, p) => `pod:default/pod-7-${p}`));
  });

  it('with everything expanded, lays 50 nodes and 500 pods out in rows of six columns without two pods on one spot', () => {
    const elements = topologyElements(big, everything);
    const podElements = elements.filter((element) => element.data.kind === 'pod');
    expect(podElements).toHaveLength(500);
    const spots = new Set(podElements.map((element) => `${element.position?.x},${element.position?.y}`));
    expect(spots.size).toBe(500);
    const eth0 = (n: number) => elements.find((element) => element.data.id === `dev:node-${n}:eth0`)?.position;
    expect(eth0(6)?.x).toBe(eth0(0)?.x);
    expect(eth0(6)?.y).toBeGreaterThan(Math.max(...podElements.filter((element) => element.data.parent === 'node:node-0').map((element) => element.position?.y ?? 0)));
  });

  it('groups nothing at three nodes', () => {
    expect(topologyLayout(state()).hiddenIn.size).toBe(0);
    expect(topologyElements(state()).some((element) => element.data.kind.endsWith('-group'))).toBe(false);
  });
});

describe('pluginDevices', () => {
  it('names the devices each plugin and backend creates', () => {
    expect(pluginDevices({ plugin: 'flannel', backend: 'host-gw' })).toEqual(['cni0']);
    expect(pluginDevices({ plugin: 'calico', backend: 'ipip' })).toEqual(['tunl0', 'cali*']);
    expect(pluginDevices({ plugin: 'calico', backend: 'bgp' })).toEqual(['cali*']);
    expect(pluginDevices({ plugin: 'cilium', backend: 'vxlan' })).toEqual(['cilium_vxlan', 'cilium_host']);
    expect(pluginDevices({ plugin: 'bridge' })).toEqual(['cni0']);
  });
});

describe('hopElementId', () => {
  it('maps a hop to its pod, node device, router or the underlay', () => {
    expect(hopElementId(hop({ netns: 'pod default/web', device: 'eth0' }), state())).toBe('pod:default/web');
    expect(hopElementId(hop({ node: 'minikube', device: 'flannel.1' }), state())).toBe('dev:minikube:flannel.1');
    expect(hopElementId(hop({ node: 'minikube', device: 'veth1234' }), state())).toBe('dev:minikube:cni0');
    expect(hopElementId(hop({ node: 'router', device: 'eth0' }), state({ routers: [{ name: 'router', interfaces: [], routes: [] }] }))).toBe('router:router');
    expect(hopElementId(hop({ node: 'r', netns: 'router router', device: 'eth0' }), state({ routers: [{ name: 'router', interfaces: [], routes: [] }] }))).toBe('router:router');
    expect(hopElementId(hop({ node: 'internet', netns: 'internet', device: 'eth0' }), state())).toBe('underlay');
  });
});
