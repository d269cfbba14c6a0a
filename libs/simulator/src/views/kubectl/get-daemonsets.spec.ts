import { battery } from '../golden/golden-text';
import { daemonSetsTable, kubectlGetDaemonSets } from './get-daemonsets';
import { addNode, addPod, labFixture } from './lab-fixture';

const minute = 60_000;

function minikubeFlannel(nodes: string[]) {
  const state = labFixture();
  nodes.forEach((name, i) =>
    addNode(state, { name, ip: `192.168.49.${i + 2}`, podCIDR: `10.244.${i}.0/24`, createdAt: 0, role: i === 0 ? 'control-plane' : 'worker' }),
  );
  nodes.forEach((node, i) => {
    addPod(state, {
      namespace: 'kube-system',
      name: `kube-proxy-${i}`,
      node,
      ip: `192.168.49.${i + 2}`,
      createdAt: 0,
      hostNetwork: true,
      owner: { kind: 'DaemonSet', name: 'kube-proxy' },
      labels: { 'controller-revision-hash': '5d8c9b', 'k8s-app': 'kube-proxy', 'pod-template-generation': '1' },
      containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.26.3', ports: [] }],
    });
    addPod(state, {
      namespace: 'kube-flannel',
      name: `kube-flannel-ds-${i}`,
      node,
      ip: `192.168.49.${i + 2}`,
      createdAt: minute,
      hostNetwork: true,
      owner: { kind: 'DaemonSet', name: 'kube-flannel-ds' },
      labels: { app: 'flannel', 'controller-revision-hash': '7c9d8b6f4', 'k8s-app': 'flannel', 'pod-template-generation': '1', tier: 'node' },
      containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.21.4', ports: [] }],
    });
  });
  addPod(state, { namespace: 'kube-system', name: 'coredns-787d4945fb-x7k2p', node: nodes[0], ip: '10.244.0.2', createdAt: 0 });
  return state;
}

describe('kubectl get ds -A', () => {
  it('derives kube-proxy and kube-flannel-ds from the system pods, in the reference layout', () => {
    const state = minikubeFlannel(['minikube', 'minikube-m02', 'minikube-m03']);
    state.time = 6 * minute;
    expect(kubectlGetDaemonSets(state, { allNamespaces: true }).stdout).toBe(
      'NAMESPACE      NAME              DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n' +
        'kube-flannel   kube-flannel-ds   3         3         3       3            3           <none>                   5m\n' +
        'kube-system    kube-proxy        3         3         3       3            3           kubernetes.io/os=linux   6m\n',
    );
  });

  it('has the header and column layout of the reference capture (04)', () => {
    const state = minikubeFlannel(['minikube', 'minikube-m02']);
    state.time = 121 * minute;
    const [header] = battery('04-get-ds-A').stdout.split('\n');
    expect(kubectlGetDaemonSets(state, { allNamespaces: true }).stdout.split('\n')[0]).toBe(header);
  });

  it('counts a pod that is not running as current but not ready', () => {
    const state = minikubeFlannel(['minikube', 'minikube-m02']);
    state.pods.get('kube-system/kube-proxy-1')!.phase = 'Pending';
    const proxy = daemonSetsTable(state).rows.find((r) => r.cells[0] === 'kube-proxy')!;
    expect(proxy.cells.slice(1, 6)).toEqual([2, 2, 1, 2, 1]);
  });

  it('-o wide adds containers, images and the selector (template labels without the controller ones)', () => {
    const state = minikubeFlannel(['minikube']);
    const flannel = daemonSetsTable(state).rows.find((r) => r.cells[0] === 'kube-flannel-ds')!;
    expect(flannel.cells.slice(8)).toEqual(['kube-flannel', 'docker.io/flannel/flannel:v0.21.4', 'app=flannel,k8s-app=flannel,tier=node']);
    expect(flannel.object.metadata).toEqual({ name: 'kube-flannel-ds', namespace: 'kube-flannel' });
  });

  it('lists only the asked namespace, and says so when it has none', () => {
    const state = minikubeFlannel(['minikube']);
    expect(kubectlGetDaemonSets(state, { namespace: 'kube-system' }).stdout).toContain('kube-proxy');
    expect(kubectlGetDaemonSets(state, { namespace: 'kube-system' }).stdout).not.toContain('flannel');
    expect(kubectlGetDaemonSets(state)).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
  });
});
