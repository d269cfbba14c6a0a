import type { Hop, LabStateView } from './api';
import { hopElementId, pluginDevices, topologyElements } from './topology-model';

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
  it('lays 50 nodes and 500 pods out in rows of six columns without two pods on one spot', () => {
    const nodes = Array.from({ length: 50 }, (_, n) => ({ name: `node-${n}`, ip: `192.168.49.${n + 2}`, podCIDR: `10.244.${n}.0/24`, ready: true }));
    const pods = nodes.flatMap((node, n) =>
      Array.from({ length: 10 }, (_, p) => ({ namespace: 'default', name: `pod-${n}-${p}`, labels: {}, node: node.name, ip: `10.244.${n}.${p + 2}`, phase: 'Running' })),
    );
    const elements = topologyElements(state({ nodes, pods, services: [] }));
    const podElements = elements.filter((element) => element.data.kind === 'pod');
    expect(podElements).toHaveLength(500);
    const spots = new Set(podElements.map((element) => `${element.position?.x},${element.position?.y}`));
    expect(spots.size).toBe(500);
    const eth0 = (n: number) => elements.find((element) => element.data.id === `dev:node-${n}:eth0`)?.position;
    expect(eth0(6)?.x).toBe(eth0(0)?.x);
    expect(eth0(6)?.y).toBeGreaterThan(Math.max(...podElements.filter((element) => element.data.parent === 'node:node-0').map((element) => element.position?.y ?? 0)));
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
