/** The resource types the lab's kubectl knows, by every name kubectl accepts for them. */
export type ResourceType = 'pods' | 'nodes' | 'services' | 'endpoints' | 'endpointslices' | 'namespaces' | 'networkpolicies' | 'daemonsets' | 'configmaps' | 'deployments' | 'replicasets';

export interface ResourceInfo {
  type: ResourceType;
  /** kubectl's "kind.group" word in outputs: pod/app, daemonset.apps/x, networkpolicy.networking.k8s.io/x. */
  singular: string;
  kind: string;
  namespaced: boolean;
}

const infos: Record<ResourceType, ResourceInfo> = {
  pods: { type: 'pods', singular: 'pod', kind: 'Pod', namespaced: true },
  nodes: { type: 'nodes', singular: 'node', kind: 'Node', namespaced: false },
  services: { type: 'services', singular: 'service', kind: 'Service', namespaced: true },
  endpoints: { type: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true },
  endpointslices: { type: 'endpointslices', singular: 'endpointslice.discovery.k8s.io', kind: 'EndpointSlice', namespaced: true },
  namespaces: { type: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false },
  networkpolicies: { type: 'networkpolicies', singular: 'networkpolicy.networking.k8s.io', kind: 'NetworkPolicy', namespaced: true },
  daemonsets: { type: 'daemonsets', singular: 'daemonset.apps', kind: 'DaemonSet', namespaced: true },
  configmaps: { type: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true },
  deployments: { type: 'deployments', singular: 'deployment.apps', kind: 'Deployment', namespaced: true },
  replicasets: { type: 'replicasets', singular: 'replicaset.apps', kind: 'ReplicaSet', namespaced: true },
};

const aliases: Record<string, ResourceType> = {
  po: 'pods', pod: 'pods', pods: 'pods',
  no: 'nodes', node: 'nodes', nodes: 'nodes',
  svc: 'services', service: 'services', services: 'services',
  ep: 'endpoints', endpoints: 'endpoints',
  endpointslice: 'endpointslices', endpointslices: 'endpointslices',
  'endpointslice.discovery.k8s.io': 'endpointslices', 'endpointslices.discovery.k8s.io': 'endpointslices',
  ns: 'namespaces', namespace: 'namespaces', namespaces: 'namespaces',
  netpol: 'networkpolicies', networkpolicy: 'networkpolicies', networkpolicies: 'networkpolicies',
  'networkpolicy.networking.k8s.io': 'networkpolicies', 'networkpolicies.networking.k8s.io': 'networkpolicies',
  ds: 'daemonsets', daemonset: 'daemonsets', daemonsets: 'daemonsets', 'daemonset.apps': 'daemonsets', 'daemonsets.apps': 'daemonsets',
  cm: 'configmaps', configmap: 'configmaps', configmaps: 'configmaps',
  deploy: 'deployments', deployment: 'deployments', deployments: 'deployments', 'deployment.apps': 'deployments', 'deployments.apps': 'deployments',
  rs: 'replicasets', replicaset: 'replicasets', replicasets: 'replicasets', 'replicaset.apps': 'replicasets', 'replicasets.apps': 'replicasets',
};

export function resourceInfo(name: string): ResourceInfo | undefined {
  const type = aliases[name.toLowerCase()];
  return type ? infos[type] : undefined;
}

export function unknownResource(name: string): string {
  return `error: the server doesn't have a resource type "${name}"\n`;
}
