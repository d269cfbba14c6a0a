import type { LabState, PodState } from '../../cluster/types';
import { printed, type ViewOutput } from '../output';
import { age } from './human-duration';
import { byStorageKey, column, noResourcesFound, printTable, rowObject, table, type Table } from './table';

export interface GetPodsOptions {
  /** `-A`; otherwise `namespace` (default "default"). */
  allNamespaces?: boolean;
  namespace?: string;
  wide?: boolean;
  /** Simulated time of the read (default: the last event's). */
  now?: number;
}

const podColumns = [
  column('Name'),
  column('Ready'),
  column('Status'),
  column('Restarts', 0, 'integer'),
  column('Age'),
  column('IP', 1),
  column('Node', 1),
  column('Nominated Node', 1),
  column('Readiness Gates', 1),
];

/** The pods Table; `namespace` undefined = all namespaces. */
export function podsTable(state: LabState, namespace?: string, now = state.time): Table {
  const pods: PodState[] = [];
  for (const pod of state.pods.values()) if (namespace === undefined || pod.namespace === namespace) pods.push(pod);
  pods.sort(byStorageKey);
  return table(
    state.version,
    podColumns,
    pods.map((pod) => ({
      cells: [
        pod.name,
        `${pod.phase === 'Running' ? pod.containers.length : 0}/${pod.containers.length}`,
        podStatus(pod),
        pod.restarts,
        age(now, pod.createdAt),
        pod.ip || '<none>',
        pod.node || '<none>',
        '<none>',
        '<none>',
      ],
      object: rowObject(pod.name, pod.namespace, pod.labels, pod.uid),
    })),
  );
}

/** The STATUS column: kubectl shows the waiting reason while a scheduled pod has no sandbox yet. */
export function podStatus(pod: PodState): string {
  switch (pod.phase) {
    case 'Pending':
      return pod.node && !pod.ip ? 'ContainerCreating' : 'Pending';
    case 'Succeeded':
      return 'Completed';
    case 'Failed':
      return 'Error';
    default:
      return pod.phase;
  }
}

/** `kubectl get pods [-A | -n ns] [-o wide]` */
export function kubectlGetPods(state: LabState, options: GetPodsOptions = {}): ViewOutput {
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  const t = podsTable(state, namespace, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(namespace), exitCode: 0 };
  return printed(printTable(t, { wide: options.wide, withNamespace: options.allNamespaces }));
}
