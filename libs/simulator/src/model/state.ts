import { clusterSpecSchema } from '@hoplab/events';
import type { DeploymentState, LabState, NamespaceState, NetworkPolicyState, NodeState, PodState, RouterState } from '../cluster/types';
import type { NodeProxyLog, ServiceChangeEntry, ServiceState } from '../services/types';
import { cniLogForSnapshot, restoreCniLog } from './cni-log';

/** Bumped whenever LabState's shape changes: snapshots of another version are discarded and rebuilt by replay. */
export const SIMULATOR_SCHEMA_VERSION = 9;

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function deploymentKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function policyKey(policy: { metadata: { namespace: string; name: string } }): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

/** The state before LabCreated: an unnamed lab with the default cluster and nothing in it. */
export function initialState(): LabState {
  return {
    name: '',
    cluster: clusterSpecSchema.parse({}),
    version: 0,
    time: 0,
    nodes: new Map(),
    pods: new Map(),
    namespaces: new Map(),
    routers: new Map(),
    services: new Map(),
    proxy: { nodes: new Map(), changes: [] },
    networkPolicies: new Map(),
    files: new Map(),
    deployments: new Map(),
  };
}

export interface LabSnapshot {
  schemaVersion: number;
  name: string;
  cluster: LabState['cluster'];
  version: number;
  time: number;
  /** cniLog without the calls, as [time, seq, ...]: a lab's nodes logged ~5 MB of them (see cni-log.ts). */
  nodes: (Omit<NodeState, 'allocated' | 'pods' | 'cniLog'> & { allocated: [string, string][]; pods: string[]; cniLog: number[] })[];
  pods: PodState[];
  namespaces: NamespaceState[];
  routers: RouterState[];
  services: ServiceState[];
  proxy: { nodes: [string, NodeProxyLog][]; changes: ServiceChangeEntry[] };
  networkPolicies: NetworkPolicyState[];
  files: [string, string][];
  deployments: DeploymentState[];
}

/** JSON-safe copy of the state (Maps and Sets become arrays, insertion order kept). */
export function toSnapshot(state: LabState): LabSnapshot {
  return structuredClone(snapshotView(state));
}

/**
 * The snapshot's shape over the state's own objects, without the deep copy: for a caller that serialises
 * it before the state changes again (the copy was most of a large lab's snapshot cost).
 */
export function snapshotView(state: LabState): LabSnapshot {
  return {
    schemaVersion: SIMULATOR_SCHEMA_VERSION,
    name: state.name,
    cluster: state.cluster,
    version: state.version,
    time: state.time,
    nodes: [...state.nodes.values()].map((node) => ({ ...node, allocated: [...node.allocated], pods: [...node.pods], cniLog: cniLogForSnapshot(node.cniLog) })),
    pods: [...state.pods.values()],
    namespaces: [...state.namespaces.values()],
    routers: [...state.routers.values()],
    services: [...state.services.values()],
    proxy: { nodes: [...state.proxy.nodes], changes: state.proxy.changes },
    networkPolicies: [...state.networkPolicies.values()],
    files: [...state.files],
    deployments: [...state.deployments.values()],
  };
}

/** `owned`: the caller hands over a freshly parsed object nobody else holds, so it is used without a copy. */
export function fromSnapshot(json: unknown, options: { owned?: boolean } = {}): LabState {
  const snapshot = (typeof json === 'string' ? JSON.parse(json) : options.owned ? json : structuredClone(json)) as LabSnapshot;
  if (snapshot.schemaVersion !== SIMULATOR_SCHEMA_VERSION) {
    throw new Error(`snapshot schema version ${snapshot.schemaVersion} is not ${SIMULATOR_SCHEMA_VERSION}: replay the events instead`);
  }
  return {
    name: snapshot.name,
    cluster: snapshot.cluster,
    version: snapshot.version,
    time: snapshot.time,
    nodes: new Map(
      snapshot.nodes.map((node) => [node.name, { ...node, allocated: new Map(node.allocated), pods: new Set(node.pods), cniLog: restoreCniLog(node.cniLog) } as NodeState]),
    ),
    pods: new Map(snapshot.pods.map((pod) => [podKey(pod.namespace, pod.name), pod])),
    namespaces: new Map(snapshot.namespaces.map((ns) => [ns.name, ns])),
    routers: new Map(snapshot.routers.map((router) => [router.name, router])),
    services: new Map(snapshot.services.map((service) => [`${service.namespace}/${service.name}`, service])),
    proxy: { nodes: new Map(snapshot.proxy.nodes), changes: snapshot.proxy.changes },
    networkPolicies: new Map(snapshot.networkPolicies.map((entry) => [policyKey(entry.policy), entry])),
    files: new Map(snapshot.files),
    deployments: new Map(snapshot.deployments.map((deployment) => [deploymentKey(deployment.namespace, deployment.name), deployment])),
  };
}
