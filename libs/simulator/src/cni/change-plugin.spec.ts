import { labEvents } from '@hoplab/events';
import { applyCommand } from '../model/apply';
import { SimulatorError } from '../model/errors';
import { initialState } from '../model/state';
import { nodeNetNamespace } from '../netns/derive';
import { ipRoute } from '../views';
import { serviceEndpoints } from '../services/endpoints';

function flannelLab() {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'migrate' });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'app', nodeName: 'minikube-m02', containers: [{ name: 'c', image: 'x' }] });
  return state;
}

describe('changePlugin', () => {
  it('flannel → calico: the flannel DaemonSet goes, each pod is CNI DEL-ed then re-added by calico with a new address', () => {
    const state = flannelLab();
    const before = { ...state.pods.get('default/app')! };
    const events = applyCommand(state, { type: 'changePlugin', cni: { plugin: 'calico' } });
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
    const app = state.pods.get('default/app')!;
    const appEvents = events.filter((event) => (event.data as { name?: string }).name === 'app').map((event) => event.type);
    expect(appEvents).toEqual(['PodNetworkDetached', 'PluginPodAttached']);
    const detach = events.find((event) => event.type === 'PodNetworkDetached' && (event.data as { name: string }).name === 'app')!.data as { cni: { plugin: string; command: string; containerId: string } };
    expect(detach.cni).toMatchObject({ plugin: 'flannel', command: 'DEL', containerId: before.containerId });
    expect(events.map((event) => event.type).indexOf('PluginChanged')).toBeGreaterThan(events.map((event) => event.type).lastIndexOf('PodNetworkDetached'));
    expect(app).toMatchObject({ uid: before.uid, phase: 'Running', gateway: '169.254.1.1', prefixLength: 32, vethMac: 'ee:ee:ee:ee:ee:ee' });
    expect(app.ip).not.toBe(before.ip);
    expect(app.containerId).not.toBe(before.containerId);
    expect(state.nodes.get('minikube-m02')!.cniLog.slice(-2).map((entry) => `${entry.call.plugin} ${entry.call.command}`)).toEqual(['flannel DEL', 'calico ADD']);
    expect([...state.pods.values()].filter((pod) => pod.owner?.name === 'kube-flannel-ds')).toEqual([]);
    expect([...state.pods.values()].filter((pod) => pod.owner?.name === 'calico-node')).toHaveLength(2);
    const node = state.nodes.get('minikube-m02')!;
    expect(node.bridge).toBeUndefined();
    expect(node.vtepMac).toBeUndefined();
    const routes = ipRoute(nodeNetNamespace(state, 'minikube-m02')).stdout;
    expect(routes).not.toContain('cni0');
    expect(routes).not.toContain('flannel.1');
    expect(routes).toContain(`${app.ip} dev ${app.vethName} scope link \n`);
    expect(state.cluster.cni).toEqual({ plugin: 'calico', backend: 'ipip', encryption: null });
  });

  it('calico → flannel: flannel.1 and cni0 come back, pods get addresses of the node /24 again', () => {
    const state = flannelLab();
    applyCommand(state, { type: 'changePlugin', cni: { plugin: 'calico' } });
    applyCommand(state, { type: 'changePlugin', cni: { plugin: 'flannel' } });
    const node = state.nodes.get('minikube-m02')!;
    expect(node.vtepMac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(node.pluginNet).toBeUndefined();
    expect(state.pods.get('default/app')!.ip.startsWith('10.244.1.')).toBe(true);
    expect([...state.pods.values()].filter((pod) => pod.name.startsWith('calico-'))).toEqual([]);
    const routes = ipRoute(nodeNetNamespace(state, 'minikube-m02')).stdout;
    expect(routes).toContain('10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink \n');
    expect(routes).toContain('10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n');
  });

  it('the same settings decide nothing; an unknown backend is refused with its path', () => {
    const state = flannelLab();
    expect(applyCommand(state, { type: 'changePlugin', cni: { plugin: 'flannel', backend: 'vxlan' } })).toEqual([]);
    expect(() => applyCommand(state, { type: 'changePlugin', cni: { plugin: 'weave', backend: 'vxlan' } })).toThrow(SimulatorError);
    try {
      applyCommand(state, { type: 'changePlugin', cni: { plugin: 'weave', backend: 'vxlan' } });
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid', path: 'cni.backend' });
    }
  });

  it('from the bridge plugin with its own bridge name (kubenet cbr0): the recorded events keep the name', () => {
    const state = initialState();
    applyCommand(state, { type: 'createLab', name: 'kubenet', cluster: { cni: { plugin: 'bridge', bridge: 'cbr0' } } });
    applyCommand(state, { type: 'addNode' });
    const events = applyCommand(state, { type: 'changePlugin', cni: { plugin: 'calico' } });
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
    expect(events.find((event) => event.type === 'PluginChanged')!.data).toMatchObject({ from: { plugin: 'bridge', bridge: 'cbr0' }, to: { plugin: 'calico' } });
  });

  it("Service endpoints follow the pods through DEL and ADD: kube-proxy's change log names each, the endpoint is the new address", () => {
    const state = flannelLab();
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', selector: { run: 'app' }, ports: [{ port: 80 }] } });
    applyCommand(state, { type: 'createPod', namespace: 'default', name: 'web-1', labels: { run: 'app' }, containers: [{ name: 'c', image: 'nginx' }] });
    const events = applyCommand(state, { type: 'changePlugin', cni: { plugin: 'calico' } });
    const seqs = (type: string) => events.filter((event) => event.type === type && (event.data as { name: string }).name === 'web-1').map((event) => event.seq);
    const logged = state.proxy.changes.filter((change) => change.service === 'default/web' && change.kind === 'endpoints').map((change) => change.seq);
    expect(logged).toEqual(expect.arrayContaining([...seqs('PodNetworkDetached'), ...seqs('PluginPodAttached')]));
    const pod = state.pods.get('default/web-1')!;
    const endpoints = serviceEndpoints(state, state.services.get('default/web')!).flatMap((entry) => entry.addresses.map((address) => address.address.ip));
    expect(endpoints).toEqual([pod.ip]);
  });

  it('is deterministic: the same command on the same state decides the same events', () => {
    const [a, b] = [flannelLab(), flannelLab()];
    expect(applyCommand(a, { type: 'changePlugin', cni: { plugin: 'cilium' } })).toEqual(applyCommand(b, { type: 'changePlugin', cni: { plugin: 'cilium' } }));
  });
});
