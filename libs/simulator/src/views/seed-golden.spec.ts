import { applyCommand, initialState, nodeNetNamespace } from '@hoplab/simulator';
import type { LabState } from '../cluster/types';
import { seedBlock } from './golden/golden-text';
import { kubectlDescribeConfigMap } from './kubectl/describe-configmap';
import { kubectlGetNodes } from './kubectl/get-nodes';
import { minikubeNodeList } from './minikube/node-list';
import { ipAddr, ipLink } from './netns/ip-addr';
import { iproute2Layout } from './netns/iproute2-layout';

/**
 * The seed's minikube lab (`minikube start --nodes 3 --cni flannel`, a third profile's network
 * 192.168.67.0/24), built through the model, against the seed's text. Only what is random in
 * reality is normalised: MACs. The node ages are reproduced by reading at the seed's moment.
 */
function seedLab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'seed', cluster: { nodeNetwork: '192.168.67.0/24' } }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 18_000);
  applyCommand(state, { type: 'addNode' }, 35_000);
  return state;
}

const macs = /\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b/g;
const normaliseMacs = (text: string) => text.replace(macs, (mac) => (mac === 'ff:ff:ff:ff:ff:ff' ? mac : 'MAC'));

describe("the seed's minikube lab", () => {
  it('kubectl get nodes', () => {
    expect(kubectlGetNodes(seedLab(), { now: 36_000 })).toEqual({ stdout: seedBlock('kubectl get nodes'), stderr: '', exitCode: 0 });
  });

  it('minikube node list', () => {
    expect(minikubeNodeList(seedLab()).stdout).toBe(seedBlock('minikube node list'));
  });

  it('kubectl describe configmaps kube-flannel-cfg -n kube-flannel (the net-conf.json part the seed shows)', () => {
    const { stdout } = kubectlDescribeConfigMap(seedLab(), 'kube-flannel-cfg', 'kube-flannel');
    const start = stdout.indexOf('net-conf.json:');
    const netConf = stdout.slice(start, stdout.indexOf('\n}\n', start) + 3);
    expect(netConf).toBe(seedBlock('kubectl describe configmaps kube-flannel-cfg'));
  });

  it('ip a on minikube-m02: flannel.1', () => {
    const state = seedLab();
    const out = ipAddr(nodeNetNamespace(state, 'minikube-m02'), { dev: 'flannel.1' }).stdout;
    expect(normaliseMacs(out)).toBe(normaliseMacs(seedBlock('root@minikube-m02:/# ip a')));
  });

  it('ip -details link show flannel.1 on minikube-m02', () => {
    const state = seedLab();
    const ns = nodeNetNamespace(state, 'minikube-m02');
    const out = ipLink(ns, { dev: 'flannel.1', details: true, layout: iproute2Layout(state.cluster) }).stdout;
    // The seed lost the final blank of the last line when pasted; iproute2 ends every option with one.
    const seed = seedBlock('ip -details link show flannel.1').replace(/\n$/, ' \n');
    expect(normaliseMacs(out)).toBe(normaliseMacs(seed));
  });
});
