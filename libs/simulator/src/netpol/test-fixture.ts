/** A small world for the unit specs: build pods, namespaces and policies in a line each. */
import type { NetpolNamespace, NetpolPod, NetpolWorld, NetworkPolicy, NetworkPolicySpec, Protocol } from './types';

export function pod(
  key: string,
  ip: string,
  labels: Record<string, string> = {},
  ports: { name?: string; containerPort: number; protocol?: Protocol }[] = [],
): NetpolPod {
  const [namespace, name] = key.split('/');
  return {
    namespace,
    name,
    ip,
    labels,
    containers: [{ ports: ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })) }],
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): NetpolNamespace {
  return { name, labels };
}

export function netpol(key: string, spec: NetworkPolicySpec): NetworkPolicy {
  const [ns, name] = key.split('/');
  return { metadata: { name, namespace: ns }, spec };
}

export function world(namespaces: NetpolNamespace[], pods: NetpolPod[], policies: NetworkPolicy[]): NetpolWorld {
  return { namespaces, pods, policies };
}
