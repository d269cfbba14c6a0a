export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePortState {
  /** "" for an unnamed single port. */
  name: string;
  port: number;
  protocol: PortProtocol;
  /** A number, or the name of a container port resolved per endpoint pod. */
  targetPort: number | string;
  nodePort: number | null;
}

export interface ServiceState {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  type: ServiceType;
  /** "None" for a headless Service. */
  clusterIP: string;
  /** null: no selector, the endpoint controller leaves the Service alone. */
  selector: Record<string, string> | null;
  ports: ServicePortState[];
  sessionAffinity: 'None' | 'ClientIP';
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  internalTrafficPolicy: 'Cluster' | 'Local';
  createdAt: number;
}

/** One change kube-proxy and the endpoint controller react to: a Service's spec or its endpoints. */
export interface ServiceChangeEntry {
  seq: number;
  time: number;
  /** "namespace/name" */
  service: string;
  kind: 'service' | 'endpoints' | 'deleted';
}

/** What a node's kube-proxy has been through besides Service changes. */
export interface NodeProxyLog {
  /** Times kube-proxy restarted on the node (it first started with the node). */
  restarts: number[];
  /** The user's iptables commands that changed the node's tables, in order. */
  mutations: { seq: number; time: number; args: string[] }[];
}

export interface ProxyLog {
  /** Only nodes with restarts or mutations have an entry. */
  nodes: Map<string, NodeProxyLog>;
  changes: ServiceChangeEntry[];
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
