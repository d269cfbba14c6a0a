import type { ClusterSpec, CniCall, PluginDevice } from '@hoplab/events';
import type { ProxyLog, ServiceState } from '../services/types';
import type { NetworkPolicy } from '../netpol/types';

/**
 * The lab as the simulator holds it. evolve() mutates it in place for speed (150,000 pods);
 * decide() only reads it. Everything here is JSON-serialisable through toSnapshot/fromSnapshot.
 */
export interface LabState {
  name: string;
  cluster: ClusterSpec;
  /** Seq of the last applied event (0 before any). */
  version: number;
  /** Simulated time of the last applied event, ms since lab creation. */
  time: number;
  nodes: Map<string, NodeState>;
  /** Key "namespace/name". */
  pods: Map<string, PodState>;
  namespaces: Map<string, NamespaceState>;
  routers: Map<string, RouterState>;
  /** Key "namespace/name". */
  services: Map<string, ServiceState>;
  /** kube-proxy's history per node and the Service/endpoint changes it syncs. */
  proxy: ProxyLog;
  /** Key "namespace/name": NetworkPolicies as applied (validated and defaulted). */
  networkPolicies: Map<string, NetworkPolicyState>;
  /** The lab's file store: name → text (FileStored events). */
  files: Map<string, string>;
  /** Key "namespace/name": apps/v1 Deployments; their pods are in `pods`, owned by the ReplicaSet `<name>-<hash>`. */
  deployments: Map<string, DeploymentState>;
}

export interface DeploymentState {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  replicas: number;
  /** spec.selector.matchLabels. */
  selector: Record<string, string>;
  template: DeploymentTemplate;
  podTemplateHash: string;
  /** metadata.annotations (kubectl apply's last-applied-configuration). */
  annotations?: Record<string, string>;
  /** spec.strategy; absent: RollingUpdate with 25% max surge and 25% max unavailable. */
  strategy?: DeploymentStrategy;
  createdAt: number;
  /** metadata.generation: bumped by every spec change. */
  generation: number;
  /** The ReplicaSets of every template the Deployment ran, by revision (oldest first). */
  replicaSets: ReplicaSetState[];
  /** The deployment controller's last scaling steps (its ScalingReplicaSet events), oldest first. */
  scalings: DeploymentScaling[];
}

export interface DeploymentScaling {
  /** The ReplicaSetScaled event's seq and simulated time. */
  seq: number;
  time: number;
  replicaSet: string;
  from: number;
  to: number;
}

export interface DeploymentTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Container[];
}

export interface DeploymentStrategy {
  type: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
}

/** A Deployment's ReplicaSet `<deployment>-<hash>`: its template, desired replicas and revision. */
export interface ReplicaSetState {
  hash: string;
  template: DeploymentTemplate;
  replicas: number;
  revision: number;
  createdAt: number;
}

export interface NodeState {
  name: string;
  ip: string;
  podCIDR: string;
  role: 'control-plane' | 'worker';
  /** Simulated time the node was added: AGE columns. */
  createdAt: number;
  /** MAC of the node's eth0 and of its overlay device (flannel.1 VtepMAC), decided once. */
  mac: string;
  vtepMac?: string;
  /** Next ifindex to hand out in the node's root netns. */
  nextIfIndex: number;
  /** host-local IPAM: last reserved address of the node's range, "" before the first. */
  lastReservedIP: string;
  /** Addresses in use on this node: ip → "namespace/name". */
  allocated: Map<string, string>;
  /** The L2 segment of eth0, e.g. "192.168.49.0/24"; eth0 carries ip/prefix of it. */
  network: string;
  dockerMac: string;
  /** ifindexes decided when the node was added (lo is always 1). */
  ifIndex: { eth0: number; eth0Peer: number; docker0: number; vtep: number | null };
  /** calico/weave/cilium: the node's pod range and the devices the plugin's agent created (PluginNodeReady). */
  pluginNet?: { plugin: string; podRange: string; devices: PluginDevice[]; extraBlocks?: string[] };
  /** The CNI bridge (cni0), created by the first non-hostNetwork pod's ADD. */
  bridge?: { name: string; index: number; mac: string };
  /** Keys "namespace/name" of every pod scheduled here (hostNetwork ones too). */
  pods: Set<string>;
  /** Next link-netnsid for a pod netns seen from this node (0 is eth0's peer). */
  nextNetnsId: number;
  /** The last CNI calls the runtime made on this node, oldest first (bounded); restored from a snapshot, only their seqs (model/cni-log.ts). */
  cniLog: CniLogEntry[];
}

export interface CniLogEntry {
  /** Simulated time and seq of the event that recorded the call. */
  time: number;
  seq: number;
  call: CniCall;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
}

export interface PodState {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  node: string;
  /** "" for pods that failed CNI ADD (phase Pending). hostNetwork pods carry the node IP. */
  ip: string;
  hostNetwork: boolean;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  containers: Container[];
  createdAt: number;
  restarts: number;
  /** The pod's side and the node's side of its veth, decided at CNI ADD. */
  mac?: string;
  vethName?: string;
  vethMac?: string;
  vethIndex?: number;
  /** CNI_CONTAINERID / CNI_NETNS of the pod sandbox and its link-netnsid on the node. */
  containerId?: string;
  netns?: string;
  netnsId?: number;
  /** Prefix length of the pod's eth0 address (the node range's). */
  prefixLength?: number;
  gateway?: string;
  /** Owner, e.g. { kind: 'DaemonSet', name: 'kube-flannel-ds' }, for system pods. */
  owner?: { kind: string; name: string };
}

export interface NamespaceState {
  name: string;
  labels: Record<string, string>;
  createdAt: number;
}

export interface RouterState {
  name: string;
  interfaces: { ip: string; network: string }[];
  routes: { dst: string; via: string }[];
}

export interface NetworkPolicyState {
  policy: NetworkPolicy;
  createdAt: number;
  /** Seq of the event that applied this version of the policy (traces name it as causedBy). */
  appliedSeq: number;
}
