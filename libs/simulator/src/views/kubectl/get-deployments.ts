import type { LabState } from '../../cluster/types';
import { deploymentPods } from '../../model/deployments';
import { age } from './human-duration';
import { byStorageKey, column, rowObject, table, type Table } from './table';

const deploymentColumns = [
  column('Name'),
  column('Ready'),
  column('Up-to-date', 0, 'integer'),
  column('Available', 0, 'integer'),
  column('Age'),
  column('Containers', 1),
  column('Images', 1),
  column('Selector', 1),
];

/** `kubectl get deployments`: READY is running/desired, UP-TO-DATE the pods of the current template. */
export function deploymentsTable(state: LabState, namespace?: string, now = state.time): Table {
  const deployments = [...state.deployments.values()].filter((d) => namespace === undefined || d.namespace === namespace).sort(byStorageKey);
  return table(
    state.version,
    deploymentColumns,
    deployments.map((d) => {
      const pods = deploymentPods(state, d.namespace, d.name);
      const available = pods.filter((pod) => pod.phase === 'Running').length;
      const upToDate = pods.filter((pod) => pod.labels['pod-template-hash'] === d.podTemplateHash).length;
      return {
        cells: [
          d.name,
          `${available}/${d.replicas}`,
          upToDate,
          available,
          age(now, d.createdAt),
          d.template.containers.map((c) => c.name).join(','),
          d.template.containers.map((c) => c.image).join(','),
          Object.keys(d.selector).sort().map((key) => `${key}=${d.selector[key]}`).join(','),
        ],
        object: rowObject(d.name, d.namespace, d.labels, d.uid),
      };
    }),
  );
}
