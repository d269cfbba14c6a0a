import { battery, seedBlock } from '../golden/golden-text';
import { kubectlGetNodes, nodesTable } from './get-nodes';
import { addNode, labFixture } from './lab-fixture';

describe('kubectl get nodes', () => {
  function seedLab() {
    const state = labFixture({ nodeNetwork: '192.168.67.0/24' });
    addNode(state, { name: 'minikube', ip: '192.168.67.2', podCIDR: '10.244.0.0/24', createdAt: 0, role: 'control-plane' });
    addNode(state, { name: 'minikube-m02', ip: '192.168.67.3', podCIDR: '10.244.1.0/24', createdAt: 18_000 });
    addNode(state, { name: 'minikube-m03', ip: '192.168.67.4', podCIDR: '10.244.2.0/24', createdAt: 35_000 });
    state.time = 36_000;
    return state;
  }

  it("prints the seed's table (Kubernetes v1.26.3, control-plane / <none>, ages from the simulated clock)", () => {
    expect(kubectlGetNodes(seedLab())).toEqual({ stdout: seedBlock('kubectl get nodes'), stderr: '', exitCode: 0 });
  });

  it('reproduces the reference captures for a lab on the newer release (kube-proxy 1.28+ → v1.32.0)', () => {
    const state = labFixture({ kubeProxy: { version: '1.28+' } });
    addNode(state, { name: 'minikube', ip: '192.168.49.2', podCIDR: '10.244.0.0/24', createdAt: 0, role: 'control-plane' });
    addNode(state, { name: 'minikube-m02', ip: '192.168.49.3', podCIDR: '10.244.1.0/24', createdAt: 0 });
    state.time = 120 * 60_000;
    expect(kubectlGetNodes(state).stdout).toBe(battery('01-get-nodes').stdout);
    expect(kubectlGetNodes(state, { wide: true }).stdout).toBe(battery('02-get-nodes-wide').stdout);
  });

  it("-o wide on the seed's release shows that release's node software, or the one given", () => {
    const wide = kubectlGetNodes(seedLab(), { wide: true }).stdout.split('\n');
    expect(wide[1]).toBe(
      'minikube       Ready    control-plane   36s   v1.26.3   192.168.67.2   <none>        Ubuntu 20.04.5 LTS   5.15.49-linuxkit   docker://23.0.2',
    );
    const software = { kubeletVersion: 'v1.27.0', osImage: 'Buildroot 2021.02.12', kernelVersion: '5.10.57', containerRuntimeVersion: 'containerd://1.7.0' };
    expect(kubectlGetNodes(seedLab(), { wide: true, software }).stdout.split('\n')[3]).toBe(
      'minikube-m03   Ready    <none>          1s    v1.27.0   192.168.67.4   <none>        Buildroot 2021.02.12   5.10.57          containerd://1.7.0',
    );
  });

  it('serves a Table whose wide columns are priority 1 and whose rows carry node labels', () => {
    const t = nodesTable(seedLab());
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0',
      'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1',
    ]);
    expect(t.rows[0].object.metadata.labels).toMatchObject({ 'node-role.kubernetes.io/control-plane': '' });
    expect(t.rows[1].object.metadata.labels).not.toHaveProperty('node-role.kubernetes.io/control-plane');
  });

  it('says so on stderr when the lab has no nodes', () => {
    expect(kubectlGetNodes(labFixture())).toEqual({ stdout: '', stderr: 'No resources found\n', exitCode: 0 });
  });
});
