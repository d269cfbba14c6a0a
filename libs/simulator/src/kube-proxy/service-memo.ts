import { servicePortName } from './chain-names';
import { buildServicePortRules } from './service-rules';
import type { RuleContext, ServicePortRules } from './service-rules';
import type { EndpointInput, ServiceInput } from './types';

const NO_ENDPOINTS: readonly EndpointInput[] = [];

export const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface BuiltPorts {
  endpoints: readonly (readonly EndpointInput[])[];
  clusterCIDR: string;
  largeClusterMode: boolean;
  /** Set when the rules depend on the node (Local traffic policies). */
  nodeName?: string;
  ports: ServicePortRules[];
}

/** What every node's builder needs of a Service object, made once: its key, its ports' names, its last rules. */
interface ServiceMemo {
  key: string;
  /** servicePortName of each port, in the Service's port order. */
  portNames: string[];
  built?: BuiltPorts;
}

/**
 * Per Service object (clusterServices keeps them while a Service does not change). A service's
 * rules for the same endpoint lists and context are the same on every node unless a Local traffic
 * policy makes them depend on the node: the lab's shared rules and every node reuse them. Rules are
 * never changed in place.
 */
const memos = new WeakMap<ServiceInput, ServiceMemo>();

function memoOf(service: ServiceInput): ServiceMemo {
  let memo = memos.get(service);
  if (!memo) {
    const portNames = service.ports.map((port) => servicePortName(service.namespace, service.name, port.name));
    memos.set(service, (memo = { key: `${service.namespace}/${service.name}`, portNames, built: undefined }));
  }
  return memo;
}

/** "ns/name". */
export const serviceKey = (service: ServiceInput): string => memoOf(service).key;

/** A Local traffic policy makes the rules depend on the node's own endpoints. */
export const isNodeDependent = (service: ServiceInput): boolean => service.internalTrafficPolicy === 'Local' || service.externalTrafficPolicy === 'Local';

/** The service's ports' rules, in port name order. */
function buildPorts(service: ServiceInput, endpoints: readonly (readonly EndpointInput[])[], context: RuleContext): ServicePortRules[] {
  if (service.ports.length === 1) return [buildServicePortRules(service, service.ports[0], endpoints[0], context)];
  return service.ports
    .map((port, i) => ({ port, endpoints: endpoints[i] }))
    .sort((a, b) => byKey(a.port.name, b.port.name))
    .map(({ port, endpoints: list }) => buildServicePortRules(service, port, list, context));
}

/** The service's rules for these endpoint lists and context: the memo's when they match it. */
export function cachedPortRules(service: ServiceInput, endpoints: readonly (readonly EndpointInput[])[], context: RuleContext): ServicePortRules[] {
  const nodeName = isNodeDependent(service) ? context.nodeName : undefined;
  const memo = memoOf(service);
  const cached = memo.built;
  if (
    cached &&
    cached.clusterCIDR === context.clusterCIDR &&
    cached.largeClusterMode === context.largeClusterMode &&
    cached.nodeName === nodeName &&
    cached.endpoints.every((list, i) => list === endpoints[i])
  ) {
    return cached.ports;
  }
  const ports = buildPorts(service, endpoints, context);
  memo.built = { endpoints, clusterCIDR: context.clusterCIDR, largeClusterMode: context.largeClusterMode, nodeName, ports };
  return ports;
}

/** The endpoint list of each of the service's ports, in its port order. */
export function portEndpoints(service: ServiceInput, endpoints: ReadonlyMap<string, readonly EndpointInput[]>): (readonly EndpointInput[])[] {
  return memoOf(service).portNames.map((name) => endpoints.get(name) ?? NO_ENDPOINTS);
}
