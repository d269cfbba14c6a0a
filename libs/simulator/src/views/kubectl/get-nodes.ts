import type { LabState, NodeState } from '../../cluster/types';
import { printed, type ViewOutput } from '../output';
import { age } from './human-duration';
import { nodeSoftware, type NodeSoftware } from './node-software';
import { byStorageKey, column, noResourcesFound, printTable, rowObject, table, type Table } from './table';

export interface GetNodesOptions {
  wide?: boolean;
  /** Default: that of the lab's Kubernetes release. */
  software?: NodeSoftware;
  /** Simulated time of the read (default: the last event's). */
  now?: number;
}

const nodeColumns = [
  column('Name'),
  column('Status'),
  column('Roles'),
  column('Age'),
  column('Version'),
  column('Internal-IP', 1),
  column('External-IP', 1),
  column('OS-Image', 1),
  column('Kernel-Version', 1),
  column('Container-Runtime', 1),
];

export function nodesTable(state: LabState, software: NodeSoftware = nodeSoftware(state.cluster), now = state.time): Table {
  const nodes = [...state.nodes.values()].sort(byStorageKey);
  return table(
    state.version,
    nodeColumns,
    nodes.map((node) => ({
      cells: [
        node.name,
        'Ready',
        node.role === 'control-plane' ? 'control-plane' : '<none>',
        age(now, node.createdAt),
        software.kubeletVersion,
        node.ip,
        '<none>',
        software.osImage,
        software.kernelVersion,
        software.containerRuntimeVersion,
      ],
      object: rowObject(node.name, undefined, nodeLabels(node)),
    })),
  );
}

/** The labels kubelet and kubeadm put on a minikube node. */
export function nodeLabels(node: NodeState): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (node.role === 'control-plane') labels['node-role.kubernetes.io/control-plane'] = '';
  return labels;
}

/** `kubectl get nodes [-o wide]` */
export function kubectlGetNodes(state: LabState, options: GetNodesOptions = {}): ViewOutput {
  const t = nodesTable(state, options.software, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(), exitCode: 0 };
  return printed(printTable(t, { wide: options.wide }));
}
