import type { ClusterSpecInput } from '@hoplab/events';
import type { ServiceInput } from '../services/validate';
import type { NetworkPolicy } from '../netpol/types';

export interface ContainerInput {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
}

export interface DeploymentInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  /** Defaults to 1, as the API server does. */
  replicas?: number;
  /** spec.selector.matchLabels. */
  selector: Record<string, string>;
  template: { labels: Record<string, string>; annotations?: Record<string, string>; containers: ContainerInput[] };
  /** metadata.annotations. */
  annotations?: Record<string, string>;
  /** spec.strategy; default RollingUpdate, 25% max surge, 25% max unavailable. */
  strategy?: { type: 'RollingUpdate' | 'Recreate'; maxSurge?: number | string; maxUnavailable?: number | string };
}

export type Command =
  | { type: 'createLab'; name: string; cluster?: ClusterSpecInput }
  | { type: 'addNode'; name?: string; ip?: string; podCIDR?: string; role?: 'control-plane' | 'worker' }
  | { type: 'removeNode'; name: string }
  | { type: 'addRouter'; name: string; interfaces: { ip: string; network: string }[]; routes: { dst: string; via: string }[] }
  | { type: 'createNamespace'; name: string; labels?: Record<string, string> }
  | { type: 'deleteNamespace'; name: string }
  | {
      type: 'createPod';
      namespace: string;
      name: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      nodeName?: string;
      hostNetwork?: boolean;
      containers: ContainerInput[];
    }
  | { type: 'deletePod'; namespace: string; name: string }
  /** Creates or updates a v1 Service (kubectl apply): clusterIP and nodePorts allocated unless pinned. */
  | { type: 'applyService'; service: ServiceInput }
  | { type: 'deleteService'; namespace: string; name: string }
  /** `iptables <args>` run by the user on a node; only commands that change the tables are events. */
  | { type: 'iptables'; node: string; args: string[] }
  /** `kubectl rollout restart ds kube-proxy -n kube-system` (every node) or one node's kube-proxy pod deleted. */
  | { type: 'restartKubeProxy'; node?: string }
  /** Creates or replaces a networking.k8s.io/v1 NetworkPolicy (validated and defaulted as the API server does). */
  | { type: 'applyNetworkPolicy'; policy: NetworkPolicy }
  | { type: 'deleteNetworkPolicy'; namespace: string; name: string }
  /** Stores (or replaces) a file in the lab's file store, read by `kubectl apply -f <name>` and `cat`. */
  | { type: 'storeFile'; name: string; content: string }
  /** `kubectl rollout restart ds NAME -n NS`: the DaemonSet replaces each of its pods. */
  | { type: 'restartDaemonSet'; namespace: string; name: string }
  /** `kubectl label pod`: the pod's complete new label set (kubectl works out the merge). */
  | { type: 'labelPod'; namespace: string; name: string; labels: Record<string, string> }
  /** Replaces the lab's CNI plugin: every pod-network pod goes through CNI DEL, then ADD of the new plugin. */
  | { type: 'changePlugin'; cni: ClusterSpecInput['cni'] }
  /** Creates or updates an apps/v1 Deployment (kubectl apply); a new pod template is rolled out per spec.strategy. */
  | { type: 'applyDeployment'; deployment: DeploymentInput }
  /** Deletes the Deployment and its pods. */
  | { type: 'deleteDeployment'; namespace: string; name: string }
  /** `kubectl scale`: adds pods or removes the newest ones. */
  | { type: 'scaleDeployment'; namespace: string; name: string; replicas: number }
  /** Changes the clock's speed (0 pauses) and/or advances simulated time by `advanceMs`. */
  | { type: 'setClock'; speed?: number; advanceMs?: number };

export type CommandType = Command['type'];

/** What decide() returns: events not yet numbered nor stamped (the caller adds actor and time). */
export interface DecidedEvent {
  type: string;
  data: unknown;
}

export interface DecideContext {
  /** Simulated time of the command, ms since the lab was created. */
  time: number;
  actor: string;
}
