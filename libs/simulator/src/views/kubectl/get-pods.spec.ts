import { battery } from '../golden/golden-text';
import { kubectlGetPods, podsTable, podStatus } from './get-pods';
import { addNode, addPod, labFixture } from './lab-fixture';

const minute = 60_000;

function referenceCluster() {
  const state = labFixture();
  addNode(state, { name: 'minikube', ip: '192.168.49.2', podCIDR: '10.244.0.0/24', createdAt: 0, role: 'control-plane' });
  addNode(state, { name: 'minikube-m02', ip: '192.168.49.3', podCIDR: '10.244.1.0/24', createdAt: 0 });
  const system = { createdAt: 0, hostNetwork: true };
  addPod(state, { ...system, namespace: 'kube-system', name: 'kube-proxy-62233', node: 'minikube', ip: '192.168.49.2' });
  addPod(state, { ...system, namespace: 'kube-flannel', name: 'kube-flannel-ds-616f1', node: 'minikube-m02', ip: '192.168.49.3' });
  addPod(state, { namespace: 'kube-system', name: 'coredns-668d6bf9bc-x7k2p', node: 'minikube', ip: '10.244.0.2', createdAt: 0 });
  addPod(state, { ...system, namespace: 'kube-system', name: 'kube-proxy-c043a', node: 'minikube-m02', ip: '192.168.49.3' });
  addPod(state, { ...system, namespace: 'kube-flannel', name: 'kube-flannel-ds-51ef2', node: 'minikube', ip: '192.168.49.2' });
  return state;
}

describe('kubectl get pods', () => {
  it('-A -o wide: NAMESPACE first, sorted by namespace then name, wide columns (reference 03)', () => {
    const state = referenceCluster();
    state.time = 120 * minute;
    expect(kubectlGetPods(state, { allNamespaces: true, wide: true })).toEqual({
      ...battery('03-get-pods-A-wide'),
      exitCode: 0,
    });
  });

  it('-o wide in the default namespace, other namespaces left out (reference 15)', () => {
    const state = referenceCluster();
    const at = 10 * minute;
    addPod(state, { namespace: 'default', name: 'web', node: 'minikube', ip: '10.244.0.11', createdAt: at - 5_000 });
    addPod(state, { namespace: 'default', name: 'db', node: 'minikube', ip: '10.244.0.12', createdAt: at - 2_000 });
    addPod(state, { namespace: 'default', name: 'app', node: 'minikube-m02', ip: '10.244.1.2', createdAt: at - 2_000 });
    state.time = at;
    expect(kubectlGetPods(state, { wide: true })).toEqual({ ...battery('15-get-po-wide'), exitCode: 0 });
  });

  it('sorts like the storage keys "<namespace>/<name>", so a namespace sorts after its longer siblings', () => {
    const state = labFixture();
    for (const [namespace, name] of [['kube-system', 'a'], ['kube-system-2', 'b'], ['kube', 'c'], ['kube-system', 'B']]) {
      addPod(state, { namespace, name, node: 'n', ip: '10.244.0.9', createdAt: 0 });
    }
    expect(podsTable(state).rows.map((r) => `${r.object.metadata.namespace}/${r.cells[0]}`)).toEqual([
      'kube-system-2/b',
      'kube-system/B',
      'kube-system/a',
      'kube/c',
    ]);
  });

  it('without -o wide prints the five priority-0 columns', () => {
    const state = labFixture();
    addPod(state, { namespace: 'x', name: 'a', node: 'minikube', ip: '10.244.0.5', createdAt: 0, restarts: 3 });
    state.time = 5 * minute + 10_000;
    expect(kubectlGetPods(state, { namespace: 'x' }).stdout).toBe(
      'NAME   READY   STATUS    RESTARTS   AGE\n' + 'a      1/1     Running   3          5m10s\n',
    );
  });

  it('an empty namespace gives the "No resources found" message on stderr', () => {
    expect(kubectlGetPods(referenceCluster())).toEqual({
      stdout: '',
      stderr: 'No resources found in default namespace.\n',
      exitCode: 0,
    });
    expect(kubectlGetPods(labFixture(), { allNamespaces: true }).stderr).toBe('No resources found\n');
  });

  it('shows <none> for a pod without address or node, and the waiting reason while its sandbox is missing', () => {
    const state = labFixture();
    const unscheduled = addPod(state, { namespace: 'default', name: 'p', node: '', ip: '', createdAt: 0, phase: 'Pending' });
    const creating = addPod(state, { namespace: 'default', name: 'q', node: 'minikube', ip: '', createdAt: 0, phase: 'Pending' });
    expect(podStatus(unscheduled)).toBe('Pending');
    expect(podStatus(creating)).toBe('ContainerCreating');
    const cells = podsTable(state, 'default').rows.map((r) => r.cells);
    expect(cells).toEqual([
      ['p', '0/1', 'Pending', 0, '0s', '<none>', '<none>', '<none>', '<none>'],
      ['q', '0/1', 'ContainerCreating', 0, '0s', '<none>', 'minikube', '<none>', '<none>'],
    ]);
  });

  it('maps finished phases to kubectl wording', () => {
    const state = labFixture();
    expect(podStatus(addPod(state, { namespace: 'd', name: 'a', node: 'n', ip: '', createdAt: 0, phase: 'Succeeded' }))).toBe('Completed');
    expect(podStatus(addPod(state, { namespace: 'd', name: 'b', node: 'n', ip: '', createdAt: 0, phase: 'Failed' }))).toBe('Error');
  });

  it('serves rows whose object carries namespace, labels and uid (needed by the real kubectl for -A)', () => {
    const state = labFixture();
    addPod(state, { namespace: 'x', name: 'a', node: 'n', ip: '10.244.0.5', createdAt: 0, labels: { app: 'a' } });
    expect(podsTable(state).rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'a', namespace: 'x', uid: 'uid-x-a', labels: { app: 'a' } },
    });
  });
});
