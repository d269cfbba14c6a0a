import { addNode, labFixture } from '../kubectl/lab-fixture';
import { catFlannelSubnetEnv } from './subnet-env';

describe('cat /run/flannel/subnet.env', () => {
  it('gives the cluster network, the first address of the node lease and the vxlan MTU (datapath-facts §3.3)', () => {
    const state = labFixture();
    addNode(state, { name: 'minikube-m02', ip: '192.168.49.3', podCIDR: '10.244.1.0/24', createdAt: 0 });
    expect(catFlannelSubnetEnv(state, 'minikube-m02')).toEqual({
      stdout: 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('keeps the link MTU with host-gw (no encapsulation) and follows the lab settings', () => {
    const state = labFixture({ podCIDR: '10.10.0.0/16', nodeCIDRMaskSize: 25, mtu: 9000, cni: { plugin: 'flannel', backend: 'host-gw' } });
    addNode(state, { name: 'n1', ip: '172.16.100.1', podCIDR: '10.10.3.128/25', createdAt: 0 });
    expect(catFlannelSubnetEnv(state, 'n1').stdout).toBe(
      'FLANNEL_NETWORK=10.10.0.0/16\nFLANNEL_SUBNET=10.10.3.129/25\nFLANNEL_MTU=9000\nFLANNEL_IPMASQ=true\n',
    );
  });

  it('does not exist on clusters without flannel', () => {
    const state = labFixture({ cni: { plugin: 'calico' } });
    addNode(state, { name: 'minikube', ip: '192.168.49.2', podCIDR: '10.244.0.0/24', createdAt: 0 });
    expect(catFlannelSubnetEnv(state, 'minikube')).toEqual({
      stdout: '',
      stderr: 'cat: /run/flannel/subnet.env: No such file or directory\n',
      exitCode: 1,
    });
  });

  it('refuses an unknown node', () => {
    expect(() => catFlannelSubnetEnv(labFixture(), 'ghost')).toThrow('unknown node ghost');
  });
});
