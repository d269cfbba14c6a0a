/** Labs for the tracer's specs, built through the model as the built-in scenarios build them. */
import type { ClusterSpecInput } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import type { NetworkPolicy } from '../netpol/types';

export function labWith(cluster: ClusterSpecInput, nodes: number): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster });
  for (let i = 0; i < nodes; i++) applyCommand(state, { type: 'addNode' });
  return state;
}

export function runPod(state: LabState, name: string, image: string, nodeName?: string, labels: Record<string, string> = {}): void {
  applyCommand(state, { type: 'createPod', namespace: 'default', name, labels, containers: [{ name: 'c', image }], ...(nodeName ? { nodeName } : {}) });
}

/** minikube --nodes 3 --cni flannel with app (netshoot) on m02 and db (postgres) on m03. */
export function minikubeFlannel(): LabState {
  const state = labWith({}, 3);
  runPod(state, 'app', 'nicolaka/netshoot', 'minikube-m02', { app: 'app' });
  runPod(state, 'db', 'postgres', 'minikube-m03', { app: 'database' });
  return state;
}

/** The seed's two VMs joined by a router, pods on plain bridges (built-in scenario two-vms-router). */
export function twoVmsRouter(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster: { cni: { plugin: 'bridge' }, podCIDR: '10.10.0.0/16', nodeNetwork: '172.16.100.0/24' } });
  applyCommand(state, { type: 'addNode', name: 'vm1', ip: '172.16.100.1', podCIDR: '10.10.10.0/24', role: 'control-plane' });
  applyCommand(state, { type: 'addNode', name: 'vm2', ip: '172.16.100.2', podCIDR: '10.10.11.0/24' });
  applyCommand(state, {
    type: 'addRouter',
    name: 'router',
    interfaces: [{ ip: '172.16.100.254', network: '172.16.100.0/24' }],
    routes: [
      { dst: '10.10.10.0/24', via: '172.16.100.1' },
      { dst: '10.10.11.0/24', via: '172.16.100.2' },
    ],
  });
  for (const [name, node] of [['pod1', 'vm1'], ['pod2', 'vm1'], ['pod3', 'vm2'], ['pod4', 'vm2']]) runPod(state, name, 'nginx', node);
  return state;
}

export const denyAll: NetworkPolicy = { metadata: { name: 'default-deny', namespace: 'default' }, spec: { podSelector: {} } };

/** The seed's allow.yaml: app → database on TCP 5432. */
export const allowAppToDb: NetworkPolicy = {
  metadata: { name: 'postgres-allow', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'database' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
  },
};
