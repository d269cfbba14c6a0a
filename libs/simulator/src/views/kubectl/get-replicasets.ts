import type { DeploymentState, LabState, ReplicaSetState } from '../../cluster/types';
import { deploymentPods, replicaSetName } from '../../model/deployments';
import { age } from './human-duration';
import { byStorageKey, column, rowObject, table, type Table } from './table';

export interface ReplicaSetView {
  namespace: string;
  name: string;
  deployment: DeploymentState;
  rs: ReplicaSetState;
  /** The pods of this ReplicaSet and how many of them run. */
  current: number;
  ready: number;
  labels: Record<string, string>;
  selector: Record<string, string>;
}

/** Every Deployment's ReplicaSets (the current one and the old ones it keeps), in storage order. */
export function replicaSets(state: LabState, namespace?: string): ReplicaSetView[] {
  const views: ReplicaSetView[] = [];
  for (const deployment of state.deployments.values()) {
    if (namespace !== undefined && deployment.namespace !== namespace) continue;
    const pods = deploymentPods(state, deployment.namespace, deployment.name);
    for (const rs of deployment.replicaSets) {
      const own = pods.filter((pod) => pod.labels['pod-template-hash'] === rs.hash);
      views.push({
        namespace: deployment.namespace,
        name: replicaSetName(deployment.name, rs.hash),
        deployment,
        rs,
        current: own.length,
        ready: own.filter((pod) => pod.phase === 'Running').length,
        labels: { ...rs.template.labels, 'pod-template-hash': rs.hash },
        selector: { ...deployment.selector, 'pod-template-hash': rs.hash },
      });
    }
  }
  return views.sort(byStorageKey);
}

const sortedSelector = (selector: Record<string, string>) =>
  Object.keys(selector)
    .sort()
    .map((key) => `${key}=${selector[key]}`)
    .join(',');

/** `kubectl get replicasets`: NAME DESIRED CURRENT READY AGE, and with -o wide CONTAINERS IMAGES SELECTOR. */
export function replicaSetsTable(state: LabState, namespace?: string, now = state.time): Table {
  return table(
    state.version,
    [column('Name'), column('Desired', 0, 'integer'), column('Current', 0, 'integer'), column('Ready', 0, 'integer'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
    replicaSets(state, namespace).map((view) => ({
      cells: [
        view.name,
        view.rs.replicas,
        view.current,
        view.ready,
        age(now, view.rs.createdAt),
        view.rs.template.containers.map((c) => c.name).join(','),
        view.rs.template.containers.map((c) => c.image).join(','),
        sortedSelector(view.selector),
      ],
      object: rowObject(view.name, view.namespace, view.labels),
    })),
  );
}
