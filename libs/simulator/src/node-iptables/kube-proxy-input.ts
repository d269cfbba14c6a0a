import type { LabState, NodeState } from '../cluster/types';
import { servicePortName } from '../kube-proxy/chain-names';
import { SharedServiceRules } from '../kube-proxy/shared-service-rules';
import type { ServiceChange } from '../kube-proxy/service-set';
import type { EndpointInput, KubeProxyConfig, KubeProxyInput, ServiceInput } from '../kube-proxy/types';
import { serviceEndpoints } from '../services/endpoints';
import type { ServiceState } from '../services/types';
import { parseGoDuration } from './duration';

/**
 * What every node's kube-proxy watches: the Services and their endpoints, the same on every node.
 * Kept up to date in place as the state's version moves on: read it, do not keep it.
 */
export interface ClusterServices {
  services: ServiceInput[];
  byKey: Map<string, ServiceInput>;
  /** Endpoints per servicePortName. */
  endpoints: Map<string, EndpointInput[]>;
  /** Endpoints of the Services kube-proxy writes (not headless), summed: over 1000 is large-cluster mode. */
  totalEndpoints: number;
  /** Index of each Service key in `services`. */
  positions: Map<string, number>;
  /** kube-proxy's rules every node shares, once a node with tables asked (sharedServiceRules), kept in step with each version. */
  rules?: SharedServiceRules;
}

function countTotal(services: readonly ServiceInput[], endpoints: ReadonlyMap<string, EndpointInput[]>): number {
  let total = 0;
  for (const service of services) {
    if (service.clusterIP === 'None' || service.clusterIP === '') continue;
    for (const port of service.ports) total += endpoints.get(servicePortName(service.namespace, service.name, port.name))?.length ?? 0;
  }
  return total;
}

export function toServiceInput(service: ServiceState): ServiceInput {
  return {
    namespace: service.namespace,
    name: service.name,
    type: service.type,
    clusterIP: service.clusterIP,
    ports: service.ports.map((port) => ({
      name: port.name,
      port: port.port,
      protocol: port.protocol,
      targetPort: port.targetPort,
      ...(port.nodePort !== null ? { nodePort: port.nodePort } : {}),
    })),
    sessionAffinity: service.sessionAffinity,
    ...(service.externalTrafficPolicy ? { externalTrafficPolicy: service.externalTrafficPolicy } : {}),
    internalTrafficPolicy: service.internalTrafficPolicy,
  };
}

const cache = new WeakMap<LabState, { version: number; services: ClusterServices }>();

function portEndpoints(state: LabState, service: ServiceState, endpoints: Map<string, EndpointInput[]>): void {
  for (const { port, addresses } of serviceEndpoints(state, service)) {
    endpoints.set(
      servicePortName(service.namespace, service.name, port.name),
      addresses.map(({ address, port: number }) => ({ ip: address.ip, port: number, nodeName: address.nodeName, ready: true, serving: true, terminating: false })),
    );
  }
}

function derive(state: LabState): ClusterServices {
  const services: ServiceInput[] = [];
  const byKey = new Map<string, ServiceInput>();
  const endpoints = new Map<string, EndpointInput[]>();
  for (const [key, service] of state.services) {
    const input = toServiceInput(service);
    services.push(input);
    byKey.set(key, input);
    portEndpoints(state, service, endpoints);
  }
  return { services, byKey, endpoints, totalEndpoints: countTotal(services, endpoints), positions: positionsOf(state) };
}

function positionsOf(state: LabState): Map<string, number> {
  const positions = new Map<string, number>();
  for (const key of state.services.keys()) positions.set(key, positions.size);
  return positions;
}

/**
 * Only the Services the change log names since `from` are derived again, in place (a read of a
 * version never goes back to an older one of the same state object); the others keep their objects,
 * so kube-proxy's per-service rules (cached per object) are reused by every node. Copying the maps
 * of 10,000 Services per version was most of a partial sync's cost.
 */
function update(state: LabState, current: ClusterServices, from: number): ClusterServices {
  const changed = new Set<string>();
  const changes = state.proxy.changes;
  // A Service deleted (and maybe applied again) moves in the state's order: the list is rebuilt.
  let keysChanged = false;
  for (let i = changes.length - 1; i >= 0 && changes[i].seq > from; i--) {
    changed.add(changes[i].service);
    keysChanged ||= changes[i].kind === 'deleted';
  }
  const { byKey, endpoints, services, positions } = current;
  for (const key of changed) {
    const old = byKey.get(key);
    if (old) {
      current.totalEndpoints -= countTotal([old], endpoints);
      for (const port of old.ports) endpoints.delete(servicePortName(old.namespace, old.name, port.name));
      byKey.delete(key);
    }
    const service = state.services.get(key);
    if (!service) {
      keysChanged ||= old !== undefined;
      continue;
    }
    const input = toServiceInput(service);
    byKey.set(key, input);
    portEndpoints(state, service, endpoints);
    current.totalEndpoints += countTotal([input], endpoints);
    const position = positions.get(key);
    if (old && position !== undefined) services[position] = input;
    else keysChanged = true;
  }
  if (keysChanged) {
    current.positions = positionsOf(state);
    services.length = 0;
    for (const key of state.services.keys()) services.push(byKey.get(key)!);
  }
  current.rules?.update(current, serviceChanges(changed, current));
  return current;
}

/** Derived once per state version (a lab of 10,000 Services has 5,000 nodes asking), incrementally from the last one. */
export function clusterServices(state: LabState): ClusterServices {
  const cached = cache.get(state);
  if (cached && cached.version === state.version) return cached.services;
  const services = cached && cached.version < state.version ? update(state, cached.services, cached.version) : derive(state);
  cache.set(state, { version: state.version, services });
  return services;
}

/** The lab's shared kube-proxy rules for the state's version, built on the first call. */
export function sharedServiceRules(state: LabState): SharedServiceRules {
  const services = clusterServices(state);
  if (!services.rules || services.rules.clusterCIDR !== state.cluster.podCIDR) {
    services.rules = new SharedServiceRules(state.cluster.podCIDR);
    services.rules.build(services);
  }
  return services.rules;
}

/** What kube-proxy learns of the Services of these keys: spec (undefined when deleted) and endpoints per port. */
export function serviceChanges(keys: Iterable<string>, services: ClusterServices): ServiceChange[] {
  const changes: ServiceChange[] = [];
  for (const key of keys) {
    const service = services.byKey.get(key);
    const endpoints = new Map<string, EndpointInput[]>();
    for (const port of service?.ports ?? []) {
      const spn = servicePortName(service!.namespace, service!.name, port.name);
      endpoints.set(spn, services.endpoints.get(spn) ?? []);
    }
    changes.push({ key, service, endpoints });
  }
  return changes;
}

export function kubeProxyInput(state: LabState, node: NodeState): KubeProxyInput {
  const { services, endpoints } = clusterServices(state);
  return {
    node: { name: node.name, ip: node.ip },
    cluster: { podCIDR: node.podCIDR, clusterCIDR: state.cluster.podCIDR },
    version: state.cluster.kubeProxy.version,
    services,
    endpoints,
  };
}

export function kubeProxyConfig(state: LabState): KubeProxyConfig {
  const { version, syncPeriod, minSyncPeriod } = state.cluster.kubeProxy;
  return { version, syncPeriodMs: parseGoDuration(syncPeriod), minSyncPeriodMs: parseGoDuration(minSyncPeriod) };
}
