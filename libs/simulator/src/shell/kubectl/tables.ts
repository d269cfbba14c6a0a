import type { LabState } from '../../cluster/types';
import { serviceEndpoints } from '../../services/endpoints';
import { endpointSlices, formatSliceEndpoints, formatSlicePorts } from '../../services/endpoint-slices';
import type { ServiceState } from '../../services/types';
import { age, byStorageKey, column, daemonSetsTable, deploymentsTable, replicaSetsTable, kubeFlannelConfigMap, networkPoliciesTable, nodesTable, podsTable, rowObject, table, type Table } from '../../views';
import type { ResourceType } from './resources';

/**
 * The server-side Table of each resource type the lab's kubectl lists (`undefined` namespace:
 * all). Pods, nodes, DaemonSets and NetworkPolicies come from the views; the rest are here.
 */
export function resourceTable(state: LabState, type: ResourceType, namespace: string | undefined, now: number): Table {
  switch (type) {
    case 'pods':
      return podsTable(state, namespace, now);
    case 'nodes':
      return nodesTable(state, undefined, now);
    case 'daemonsets':
      return daemonSetsTable(state, namespace, now);
    case 'networkpolicies':
      return networkPoliciesTable(state, namespace, now);
    case 'services':
      return servicesTable(state, namespace, now);
    case 'endpoints':
      return endpointsTable(state, namespace, now);
    case 'endpointslices':
      return endpointSlicesTable(state, namespace, now);
    case 'namespaces':
      return namespacesTable(state, now);
    case 'configmaps':
      return configMapsTable(state, namespace, now);
    case 'deployments':
      return deploymentsTable(state, namespace, now);
    case 'replicasets':
      return replicaSetsTable(state, namespace, now);
  }
}

function servicesOf(state: LabState, namespace: string | undefined): ServiceState[] {
  return [...state.services.values()].filter((s) => namespace === undefined || s.namespace === namespace).sort(byStorageKey);
}

/** kubectl's PORT(S): 443/TCP, 80:30080/TCP, joined by commas. */
function servicePorts(service: ServiceState): string {
  if (service.ports.length === 0) return '<none>';
  return service.ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

function selectorText(selector: Record<string, string> | null): string {
  if (!selector || Object.keys(selector).length === 0) return '<none>';
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}

function servicesTable(state: LabState, namespace: string | undefined, now: number): Table {
  return table(
    state.version,
    [column('Name'), column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), column('Age'), column('Selector', 1)],
    servicesOf(state, namespace).map((s) => ({
      cells: [s.name, s.type, s.clusterIP, s.type === 'LoadBalancer' ? '<pending>' : '<none>', servicePorts(s), age(now, s.createdAt), selectorText(s.selector)],
      object: rowObject(s.name, s.namespace, s.labels, s.uid),
    })),
  );
}

/** kubectl's ENDPOINTS column: up to three ip:port, then " + N more...". */
export function formatEndpoints(state: LabState, service: ServiceState): string {
  const all = serviceEndpoints(state, service).flatMap((p) => p.addresses.map((a) => `${a.address.ip}:${a.port}`));
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function endpointsTable(state: LabState, namespace: string | undefined, now: number): Table {
  return table(
    state.version,
    [column('Name'), column('Endpoints'), column('Age')],
    servicesOf(state, namespace).map((s) => ({ cells: [s.name, formatEndpoints(state, s), age(now, s.createdAt)], object: rowObject(s.name, s.namespace, s.labels) })),
  );
}

/** printEndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. */
function endpointSlicesTable(state: LabState, namespace: string | undefined, now: number): Table {
  return table(
    state.version,
    [column('Name'), column('AddressType'), column('Ports'), column('Endpoints'), column('Age')],
    endpointSlices(state, namespace).map((slice) => ({
      cells: [slice.name, slice.addressType, formatSlicePorts(slice.ports), formatSliceEndpoints(slice.endpoints.map((e) => ({ addresses: [e.ip] }))), age(now, slice.createdAt)],
      object: rowObject(slice.name, slice.namespace, slice.labels),
    })),
  );
}

function namespacesTable(state: LabState, now: number): Table {
  const namespaces = [...state.namespaces.values()].sort(byStorageKey);
  return table(
    state.version,
    [column('Name'), column('Status'), column('Age')],
    namespaces.map((ns) => ({ cells: [ns.name, 'Active', age(now, ns.createdAt)], object: rowObject(ns.name, undefined, ns.labels) })),
  );
}

export interface ConfigMapEntry {
  namespace: string;
  name: string;
  dataCount: number;
  createdAt: number;
  labels: Record<string, string>;
}

/** kube-root-ca.crt in every namespace (the root CA publisher) and kube-flannel-cfg on flannel clusters. */
export function configMaps(state: LabState, namespace: string | undefined): ConfigMapEntry[] {
  const entries: ConfigMapEntry[] = [];
  for (const ns of state.namespaces.values()) {
    if (namespace !== undefined && ns.name !== namespace) continue;
    entries.push({ namespace: ns.name, name: 'kube-root-ca.crt', dataCount: 1, createdAt: ns.createdAt, labels: {} });
    if (ns.name === 'kube-flannel' && state.cluster.cni.plugin === 'flannel') {
      const cm = kubeFlannelConfigMap(state.cluster);
      entries.push({ namespace: ns.name, name: cm.name, dataCount: Object.keys(cm.data).length, createdAt: ns.createdAt, labels: cm.labels });
    }
  }
  return entries.sort(byStorageKey);
}

function configMapsTable(state: LabState, namespace: string | undefined, now: number): Table {
  return table(
    state.version,
    [column('Name'), column('Data', 0, 'integer'), column('Age')],
    configMaps(state, namespace).map((cm) => ({ cells: [cm.name, cm.dataCount, age(now, cm.createdAt)], object: rowObject(cm.name, cm.namespace, cm.labels) })),
  );
}
