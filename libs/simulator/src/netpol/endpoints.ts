import type { Flow, FlowEndpoint, NetpolPod } from './types';

export function isPod(endpoint: FlowEndpoint): endpoint is NetpolPod {
  return 'namespace' in endpoint && 'name' in endpoint;
}

/** A hostNetwork pod speaks with its node's address: for policies it is not a pod. */
export function policyPod(endpoint: FlowEndpoint): NetpolPod | null {
  return isPod(endpoint) && !endpoint.hostNetwork ? endpoint : null;
}

export function isSelfFlow({ source, destination }: Flow): boolean {
  return isPod(source) && isPod(destination) && source.namespace === destination.namespace && source.name === destination.name;
}

export function describeEndpoint(endpoint: FlowEndpoint): string {
  return isPod(endpoint) ? `${endpoint.namespace}/${endpoint.name}` : endpoint.ip;
}
