export type KubeProxyVersion = '1.26' | '1.28+';
export type ServiceProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePortInput {
  /** "" for an unnamed single-port service. */
  name: string;
  port: number;
  protocol: ServiceProtocol;
  nodePort?: number;
  targetPort: number | string;
}

export interface ServiceInput {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** "None" for a headless service: kube-proxy writes nothing for it. */
  clusterIP: string;
  ports: ServicePortInput[];
  sessionAffinity?: 'None' | 'ClientIP';
  /** ClientIP affinity timeout; Kubernetes' default is 10800. */
  sessionAffinityTimeoutSeconds?: number;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  /** status.loadBalancer.ingress IPs. */
  loadBalancerIPs?: string[];
}

/** One address of an EndpointSlice for one service port, with the resolved port number. */
export interface EndpointInput {
  ip: string;
  port: number;
  nodeName: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface KubeProxyNode {
  name: string;
  ip: string;
}

export interface KubeProxyCluster {
  podCIDR: string;
  /** Detect-local ClusterCIDR: traffic from outside it to a ClusterIP is masqueraded. */
  clusterCIDR: string;
}

export interface KubeProxyInput {
  node: KubeProxyNode;
  cluster: KubeProxyCluster;
  version: KubeProxyVersion;
  services: readonly ServiceInput[];
  /** Endpoints per service port, keyed by servicePortName ("ns/name" or "ns/name:port"). */
  endpoints: ReadonlyMap<string, readonly EndpointInput[]>;
}

export interface KubeProxyConfig {
  version: KubeProxyVersion;
  /** iptables.syncPeriod, ms (default 30000). */
  syncPeriodMs: number;
  /** iptables.minSyncPeriod, ms (default 1000). */
  minSyncPeriodMs: number;
}

export const DEFAULT_KUBE_PROXY_CONFIG: Omit<KubeProxyConfig, 'version'> = { syncPeriodMs: 30_000, minSyncPeriodMs: 1_000 };
