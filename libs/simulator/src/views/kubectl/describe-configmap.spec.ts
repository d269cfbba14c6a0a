import { battery, seedBlock } from '../golden/golden-text';
import { kubectlDescribeConfigMap } from './describe-configmap';
import { labFixture } from './lab-fixture';

describe('kubectl describe configmaps kube-flannel-cfg -n kube-flannel', () => {
  it('prints the whole describe output of the reference capture on its release (flannel ≥ v0.25 net-conf.json)', () => {
    const state = labFixture({ kubeProxy: { version: '1.28+' } });
    expect(kubectlDescribeConfigMap(state, 'kube-flannel-cfg', 'kube-flannel')).toEqual({
      ...battery('07-describe-cm'),
      exitCode: 0,
    });
  });

  it("has the seed's net-conf.json on the seed's release, unless the key is asked for", () => {
    const { stdout } = kubectlDescribeConfigMap(labFixture(), 'kube-flannel-cfg', 'kube-flannel');
    expect(stdout).toContain(seedBlock('kubectl describe configmaps kube-flannel-cfg'));
    const withKey = kubectlDescribeConfigMap(labFixture(), 'kube-flannel-cfg', 'kube-flannel', { enableNFTablesKey: true });
    expect(withKey.stdout).toBe(battery('07-describe-cm').stdout);
  });

  it("reflects the cluster's pod CIDR and backend", () => {
    const state = labFixture({ podCIDR: '10.10.0.0/16', cni: { plugin: 'flannel', backend: 'host-gw' } });
    const { stdout } = kubectlDescribeConfigMap(state, 'kube-flannel-cfg', 'kube-flannel');
    expect(stdout).toContain('net-conf.json:\n----\n{\n  "Network": "10.10.0.0/16",\n  "Backend": {\n    "Type": "host-gw"\n  }\n}\n');
  });

  it('is NotFound elsewhere, and on clusters without flannel', () => {
    const notFound = { stdout: '', stderr: 'Error from server (NotFound): configmaps "kube-flannel-cfg" not found\n', exitCode: 1 };
    expect(kubectlDescribeConfigMap(labFixture(), 'kube-flannel-cfg')).toEqual(notFound);
    expect(kubectlDescribeConfigMap(labFixture({ cni: { plugin: 'calico' } }), 'kube-flannel-cfg', 'kube-flannel')).toEqual(notFound);
  });
});
