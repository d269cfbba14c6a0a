import { seedBlock } from '../golden/golden-text';
import { addNode, labFixture } from '../kubectl/lab-fixture';
import { minikubeNodeList } from './node-list';

describe('minikube node list', () => {
  it("prints the seed's tab-separated list, nodes in the order they joined", () => {
    const state = labFixture({ nodeNetwork: '192.168.67.0/24' });
    addNode(state, { name: 'minikube', ip: '192.168.67.2', podCIDR: '10.244.0.0/24', createdAt: 0 });
    addNode(state, { name: 'minikube-m02', ip: '192.168.67.3', podCIDR: '10.244.1.0/24', createdAt: 1 });
    addNode(state, { name: 'minikube-m03', ip: '192.168.67.4', podCIDR: '10.244.2.0/24', createdAt: 2 });
    expect(minikubeNodeList(state)).toEqual({ stdout: seedBlock('minikube node list'), stderr: '', exitCode: 0 });
  });

  it('prints nothing for a lab without nodes', () => {
    expect(minikubeNodeList(labFixture()).stdout).toBe('');
  });
});
