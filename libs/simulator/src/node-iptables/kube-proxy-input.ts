import type { LabState, NodeState } from '../cluster/types';
import { servicePortName } from '../kube-proxy/chain-names';
import type { EndpointInput, KubeProxyConfig, KubeProxyInput, ServiceInput } from '../kube-proxy/types';
import { serviceEndpoints } from '../services/endpoints';
import type { ServiceState } from '../services/types';
import { parseGoDuration } from './duration';

/** What every node's kube-proxy watches: the Services and their endpoints, the same on every node. */
export interface ClusterServices {
  services: ServiceInput[];
  byKey: Map<string, ServiceInput>;
  /** Endpoints per servicePortName. */
  endpoints: Map<string, EndpointInput[]>;
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

/** Derived once per state version (a lab of 10,000 Services has 5,000 nodes asking). */
export function clusterServices(state: LabState): ClusterServices {
  const cached = cache.get(state);
  if (cached && cached.version === state.version) return cached.services;
  const services: ServiceInput[] = [];
  const byKey = new Map<string, ServiceInput>();
  const endpoints = new Map<string, EndpointInput[]>();
  for (const [key, service] of state.services) {
    const input = toServiceInput(service);
    services.push(input);
    byKey.set(key, input);
    for (const { port, addresses } of serviceEndpoints(state, service)) {
      endpoints.set(
        servicePortName(service.namespace, service.name, port.name),
        addresses.map(({ address, port: number }) => ({ ip: address.ip, port: number, nodeName: address.nodeName, ready: true, serving: true, terminating: false })),
      );
    }
  }
  const result = { services, byKey, endpoints };
  cache.set(state, { version: state.version, services: result });
  return result;
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
