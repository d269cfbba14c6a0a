import type { ClusterSpec } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { requireName } from '../cluster/names';
import type { DecidedEvent } from '../model/commands';
import { SimulatorError } from '../model/errors';
import { formatIp, parseCidr } from '../net/ipv4';
import type { Prng } from '../net/prng';
import { allocateClusterIP, allocateNodePort, clusterIPsInUse, NODE_PORT_RANGE, nodePortsInUse } from './allocate';
import type { ServicePortState, ServiceState } from './types';
import { serviceKey } from './types';
import { validateService, type ServiceInput } from './validate';

/** ServiceApplied's data: the Service as stored, without its creation time. */
export type ServiceAppliedData = Omit<ServiceState, 'createdAt'>;

const invalid = (name: string, path: string, message: string) =>
  new SimulatorError('invalid', `Service "${name}" is invalid: ${path}: ${message}`, path);

/**
 * `kubectl apply` of a Service: validates, keeps what an update may not change (clusterIP, unpinned
 * nodePorts), allocates the rest. Returns [] when the result equals the stored Service.
 */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function applyService(state: LabState, input: ServiceInput, prng: Prng): DecidedEvent[] {
  requireName('Service', input.name, 'label');
  if (!DNS1035_LABEL.test(input.name)) {
    throw invalid(
      input.name,
      'metadata.name',
      `Invalid value: "${input.name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
  }
  if (!state.namespaces.has(input.namespace)) throw new SimulatorError('not-found', `namespaces "${input.namespace}" not found`, 'metadata.namespace');
  const issues = validateService(input);
  if (issues.length) throw invalid(input.name, issues[0].path, issues[0].message);
  const existing = state.services.get(serviceKey(input.namespace, input.name));
  const data = resolveService(state, input, existing, prng);
  if (existing && JSON.stringify(data) === JSON.stringify(withoutCreatedAt(existing))) return [];
  return [{ type: 'ServiceApplied', data }];
}

export function deleteService(state: LabState, namespace: string, name: string): DecidedEvent[] {
  if (!state.services.has(serviceKey(namespace, name))) throw new SimulatorError('not-found', `services "${name}" not found`, 'name');
  if (namespace === 'default' && name === 'kubernetes') {
    throw new SimulatorError('invalid', 'services "kubernetes" is recreated by the API server at once: HopLab keeps it', 'name');
  }
  return [{ type: 'ServiceDeleted', data: { namespace, name } }];
}

function withoutCreatedAt(service: ServiceState): ServiceAppliedData {
  const { createdAt: _createdAt, ...rest } = service;
  return rest;
}

function resolveService(state: LabState, input: ServiceInput, existing: ServiceState | undefined, prng: Prng): ServiceAppliedData {
  const type = input.type ?? 'ClusterIP';
  let clusterIP: string;
  if (existing) {
    if (input.clusterIP !== undefined && input.clusterIP !== '' && input.clusterIP !== existing.clusterIP) {
      throw invalid(input.name, 'spec.clusterIP', `Invalid value: "${input.clusterIP}": field is immutable`);
    }
    clusterIP = existing.clusterIP;
  } else if (input.clusterIP === 'None') {
    clusterIP = 'None';
  } else {
    const pinned = input.clusterIP === '' ? undefined : input.clusterIP;
    const allocation = allocateClusterIP(state.cluster.serviceCIDR, clusterIPsInUse(state), prng, pinned);
    if (!allocation.ok) throw clusterIPFailure(state, input.name, pinned, allocation.reason);
    clusterIP = allocation.value;
  }
  const usesNodePorts = type !== 'ClusterIP';
  const taken = nodePortsInUse(state);
  const own = new Map<string, number>();
  for (const port of existing?.ports ?? []) {
    if (port.nodePort === null) continue;
    taken.delete(port.nodePort);
    own.set(`${port.port}/${port.protocol}`, port.nodePort);
  }
  const ports = (input.ports ?? []).map((port, i): ServicePortState => {
    const protocol = port.protocol ?? 'TCP';
    let nodePort: number | null = null;
    if (usesNodePorts) {
      const pinned = port.nodePort || own.get(`${port.port}/${protocol}`);
      const allocation = allocateNodePort(taken, prng, pinned);
      if (!allocation.ok) throw nodePortFailure(input.name, i, pinned, allocation.reason);
      nodePort = allocation.value;
      taken.add(nodePort);
    }
    return { name: port.name ?? '', port: port.port, protocol, targetPort: port.targetPort ?? port.port, nodePort };
  });
  return {
    namespace: input.namespace,
    name: input.name,
    uid: existing?.uid ?? prng.uuid(),
    labels: { ...(input.labels ?? {}) },
    type,
    clusterIP,
    selector: input.selector && Object.keys(input.selector).length > 0 ? { ...input.selector } : null,
    ports,
    sessionAffinity: input.sessionAffinity ?? 'None',
    externalTrafficPolicy: type === 'ClusterIP' ? null : (input.externalTrafficPolicy ?? 'Cluster'),
    internalTrafficPolicy: input.internalTrafficPolicy ?? 'Cluster',
  };
}

function clusterIPFailure(state: LabState, name: string, pinned: string | undefined, reason: 'in-use' | 'outside' | 'exhausted'): SimulatorError {
  if (reason === 'exhausted') return new SimulatorError('exhausted', 'Internal error occurred: failed to allocate a serviceIP: range is full', 'spec.clusterIP');
  if (reason === 'in-use') return invalid(name, 'spec.clusterIPs', `Invalid value: []string{"${pinned}"}: failed to allocate IP ${pinned}: provided IP is already allocated`);
  return invalid(
    name,
    'spec.clusterIPs',
    `Invalid value: []string{"${pinned}"}: failed to allocate IP ${pinned}: the provided IP (${pinned}) is not in the valid range. The range of valid IPs is ${state.cluster.serviceCIDR}`,
  );
}

function nodePortFailure(name: string, index: number, pinned: number | undefined, reason: 'in-use' | 'outside' | 'exhausted'): SimulatorError {
  const path = `spec.ports[${index}].nodePort`;
  if (reason === 'exhausted') return new SimulatorError('exhausted', 'Internal error occurred: failed to allocate a nodePort: range is full', path);
  if (reason === 'in-use') return invalid(name, path, `Invalid value: ${pinned}: provided port is already allocated`);
  return invalid(name, path, `Invalid value: ${pinned}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.from}-${NODE_PORT_RANGE.to}`);
}

/** minikube's two Services at lab creation: the API server at the range's first address and CoreDNS at .10. */
export function builtinServices(cluster: ClusterSpec, prng: Prng): DecidedEvent[] {
  const network = parseCidr(cluster.serviceCIDR)!.network;
  const kubernetes: ServiceAppliedData = {
    namespace: 'default',
    name: 'kubernetes',
    uid: prng.uuid(),
    labels: { component: 'apiserver', provider: 'kubernetes' },
    type: 'ClusterIP',
    clusterIP: formatIp(network + 1),
    selector: null,
    ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: null }],
    sessionAffinity: 'None',
    externalTrafficPolicy: null,
    internalTrafficPolicy: 'Cluster',
  };
  const kubeDns: ServiceAppliedData = {
    namespace: 'kube-system',
    name: 'kube-dns',
    uid: prng.uuid(),
    labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    type: 'ClusterIP',
    clusterIP: formatIp(network + 10),
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53, nodePort: null },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53, nodePort: null },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153, nodePort: null },
    ],
    sessionAffinity: 'None',
    externalTrafficPolicy: null,
    internalTrafficPolicy: 'Cluster',
  };
  return [{ type: 'ServiceApplied', data: kubernetes }, { type: 'ServiceApplied', data: kubeDns }];
}
