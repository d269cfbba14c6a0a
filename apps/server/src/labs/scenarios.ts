import type { ClusterSpecInput } from '@hoplab/events';
import type { Command } from '@hoplab/simulator';

/** A built-in scenario: the cluster it starts from and the commands that build it after createLab. */
export interface Scenario {
  description: string;
  cluster: ClusterSpecInput;
  commands: Command[];
}

const container = (name: string, image: string) => ({ name, image });

export const builtInScenarios: Record<string, Scenario> = {
  'minikube-flannel': {
    description: '`minikube start --nodes 3 --cni flannel`: minikube, minikube-m02, minikube-m03 at 192.168.49.2–4',
    cluster: {},
    commands: [{ type: 'addNode' }, { type: 'addNode' }, { type: 'addNode' }],
  },
  'two-vms-router': {
    description: 'Two VMs (172.16.100.1/.2) with pods in 10.10.10.0/24 and 10.10.11.0/24 on plain bridges, joined by one router',
    cluster: { cni: { plugin: 'bridge' }, podCIDR: '10.10.0.0/16', nodeNetwork: '172.16.100.0/24' },
    commands: [
      { type: 'addNode', name: 'vm1', ip: '172.16.100.1', podCIDR: '10.10.10.0/24', role: 'control-plane' },
      { type: 'addNode', name: 'vm2', ip: '172.16.100.2', podCIDR: '10.10.11.0/24' },
      {
        type: 'addRouter',
        name: 'router',
        interfaces: [{ ip: '172.16.100.254', network: '172.16.100.0/24' }],
        routes: [
          { dst: '10.10.10.0/24', via: '172.16.100.1' },
          { dst: '10.10.11.0/24', via: '172.16.100.2' },
        ],
      },
      { type: 'createPod', namespace: 'default', name: 'pod1', nodeName: 'vm1', containers: [container('app', 'nginx')] },
      { type: 'createPod', namespace: 'default', name: 'pod2', nodeName: 'vm1', containers: [container('app', 'nginx')] },
      { type: 'createPod', namespace: 'default', name: 'pod3', nodeName: 'vm2', containers: [container('app', 'nginx')] },
      { type: 'createPod', namespace: 'default', name: 'pod4', nodeName: 'vm2', containers: [container('app', 'nginx')] },
    ],
  },
};
