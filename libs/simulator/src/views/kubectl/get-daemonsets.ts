import type { LabState, PodState } from '../../cluster/types';
import { printed, type ViewOutput } from '../output';
import { age } from './human-duration';
import { byStorageKey, column, noResourcesFound, printTable, rowObject, table, type Table } from './table';

export interface GetDaemonSetsOptions {
  allNamespaces?: boolean;
  namespace?: string;
  wide?: boolean;
  /** Simulated time of the read (default: the last event's). */
  now?: number;
}

const daemonSetColumns = [
  column('Name'),
  column('Desired', 0, 'integer'),
  column('Current', 0, 'integer'),
  column('Ready', 0, 'integer'),
  column('Up-to-date', 0, 'integer'),
  column('Available', 0, 'integer'),
  column('Node Selector'),
  column('Age'),
  column('Containers', 1),
  column('Images', 1),
  column('Selector', 1),
];

/**
 * kubeadm's kube-proxy DaemonSet selects nodes with a nodeSelector; kube-flannel-ds (and the other
 * CNI DaemonSets) use node affinity, which the NODE SELECTOR column does not show.
 */
const nodeSelectors: Record<string, string> = {
  'kube-system/kube-proxy': 'kubernetes.io/os=linux',
};

/** Labels the DaemonSet controller adds to its pods on top of the template's (not part of the selector). */
const controllerLabels = new Set(['controller-revision-hash', 'pod-template-generation']);

interface DaemonSetView {
  namespace: string;
  name: string;
  pods: PodState[];
}

/** The DaemonSets, derived from the pods they own (system pods carry owner { kind: 'DaemonSet' }). */
export function daemonSets(state: LabState, namespace?: string): DaemonSetView[] {
  const found = new Map<string, DaemonSetView>();
  for (const pod of state.pods.values()) {
    if (pod.owner?.kind !== 'DaemonSet' || (namespace !== undefined && pod.namespace !== namespace)) continue;
    const key = `${pod.namespace}/${pod.owner.name}`;
    let ds = found.get(key);
    if (!ds) found.set(key, (ds = { namespace: pod.namespace, name: pod.owner.name, pods: [] }));
    ds.pods.push(pod);
  }
  return [...found.values()].sort(byStorageKey);
}

export function daemonSetsTable(state: LabState, namespace?: string, now = state.time): Table {
  const desired = state.nodes.size;
  return table(
    state.version,
    daemonSetColumns,
    daemonSets(state, namespace).map((ds) => {
      const template = ds.pods[0];
      const ready = ds.pods.filter((pod) => pod.phase === 'Running').length;
      const selector = Object.keys(template.labels)
        .filter((key) => !controllerLabels.has(key))
        .sort()
        .map((key) => `${key}=${template.labels[key]}`)
        .join(',');
      return {
        cells: [
          ds.name,
          desired,
          ds.pods.length,
          ready,
          ds.pods.length,
          ready,
          nodeSelectors[`${ds.namespace}/${ds.name}`] ?? '<none>',
          age(now, Math.min(...ds.pods.map((pod) => pod.createdAt))),
          template.containers.map((c) => c.name).join(','),
          template.containers.map((c) => c.image).join(','),
          selector || '<none>',
        ],
        object: rowObject(ds.name, ds.namespace),
      };
    }),
  );
}

/** `kubectl get ds [-A | -n ns] [-o wide]` */
export function kubectlGetDaemonSets(state: LabState, options: GetDaemonSetsOptions = {}): ViewOutput {
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  const t = daemonSetsTable(state, namespace, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(namespace), exitCode: 0 };
  return printed(printTable(t, { wide: options.wide, withNamespace: options.allNamespaces }));
}
