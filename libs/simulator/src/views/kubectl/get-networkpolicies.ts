import type { LabState } from '../../cluster/types';
import { printed, type ViewOutput } from '../output';
import { formatLabelSelector } from './format-label-selector';
import { age } from './human-duration';
import { byStorageKey, column, noResourcesFound, printTable, rowObject, table, type Table } from './table';

export interface GetNetworkPoliciesOptions {
  allNamespaces?: boolean;
  namespace?: string;
  /** Simulated time of the read (default: the last event's). */
  now?: number;
}

const networkPolicyColumns = [column('Name'), column('Pod-Selector'), column('Age')];

export function networkPoliciesTable(state: LabState, namespace?: string, now = state.time): Table {
  const entries = [...state.networkPolicies.values()]
    .filter((entry) => namespace === undefined || entry.policy.metadata.namespace === namespace)
    .map((entry) => ({ ...entry, name: entry.policy.metadata.name, namespace: entry.policy.metadata.namespace }))
    .sort(byStorageKey);
  return table(
    state.version,
    networkPolicyColumns,
    entries.map((entry) => ({
      cells: [entry.name, formatLabelSelector(entry.policy.spec.podSelector), age(now, entry.createdAt)],
      object: rowObject(entry.name, entry.namespace, entry.policy.metadata.labels),
    })),
  );
}

/** `kubectl get networkpolicy [-A | -n ns]` (NAME, POD-SELECTOR, AGE). */
export function kubectlGetNetworkPolicies(state: LabState, options: GetNetworkPoliciesOptions = {}): ViewOutput {
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  const t = networkPoliciesTable(state, namespace, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(namespace), exitCode: 0 };
  return printed(printTable(t, { withNamespace: options.allNamespaces }));
}
