import { applyCommand } from '../model/apply';
import { labConnectivity } from './connectivity';
import { allowAppToDb, denyAll, labWith, runPod } from './lab-fixtures';

describe('labConnectivity', () => {
  function lab(plugin: 'calico' | 'flannel') {
    const state = labWith({ cni: { plugin } }, 2);
    runPod(state, 'app', 'nicolaka/netshoot', undefined, { app: 'app' });
    runPod(state, 'db', 'postgres', undefined, { app: 'database' });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: allowAppToDb });
    return state;
  }

  it('lists running pod-network pods in storage order and applies the policies on an enforcing plugin', () => {
    const state = lab('calico');
    const result = labConnectivity(state, { port: 5432, protocol: 'TCP' });
    // kube-system's pod-network pods: calico-kube-controllers and coredns (calico-node runs on the host network).
    const system = [...state.pods.values()].filter((pod) => pod.namespace === 'kube-system' && !pod.hostNetwork).map((pod) => `kube-system/${pod.name}`).sort();
    expect(system.map((key) => key.split('/')[1].split('-').slice(0, -2).join('-'))).toEqual(['calico-kube-controllers', 'coredns']);
    expect(result.pods).toEqual(['default/app', 'default/db', ...system]);
    const appDb = (matrix: boolean[][]) => matrix.slice(0, 2).map((row) => row.slice(0, 2));
    expect(appDb(result.matrix)).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(appDb(labConnectivity(state, { port: 80, protocol: 'TCP' }).matrix)).toEqual([
      [true, false],
      [false, true],
    ]);
    // coredns (kube-system) is selected by no policy: everyone reaches it, it reaches only what admits it.
    const coredns = result.pods.findIndex((key) => key.startsWith('kube-system/coredns-'));
    expect(result.matrix.map((row) => row[coredns])).toEqual([true, true, true, true]);
  });

  it('is all true on flannel, which stores policies without enforcing them', () => {
    const result = labConnectivity(lab('flannel'), { port: 80, protocol: 'TCP' });
    expect(result.pods.slice(0, 2)).toEqual(['default/app', 'default/db']);
    expect(result.matrix.flat().every(Boolean)).toBe(true);
  });
});
