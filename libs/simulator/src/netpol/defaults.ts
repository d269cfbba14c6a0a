import type { NetworkPolicy, NetworkPolicyPort, PolicyType } from './types';

/**
 * The API server's defaulting (SetDefaults_NetworkPolicy / _NetworkPolicyPort): policyTypes
 * inferred when omitted or empty (Ingress always, Egress when there are egress rules), and
 * every port's protocol TCP. Returns a new object; the input is left alone.
 */
export function defaultNetworkPolicy(policy: NetworkPolicy): NetworkPolicy {
  const spec = policy.spec;
  const withProtocol = (ports?: NetworkPolicyPort[]) =>
    ports?.map((port) => ({ ...port, protocol: port.protocol ?? ('TCP' as const) }));
  const policyTypes: PolicyType[] =
    spec.policyTypes && spec.policyTypes.length > 0
      ? [...spec.policyTypes]
      : (spec.egress ?? []).length > 0
        ? ['Ingress', 'Egress']
        : ['Ingress'];
  return {
    ...policy,
    spec: {
      ...spec,
      policyTypes,
      ...(spec.ingress && { ingress: spec.ingress.map((rule) => ({ ...rule, ...(rule.ports && { ports: withProtocol(rule.ports) }) })) }),
      ...(spec.egress && { egress: spec.egress.map((rule) => ({ ...rule, ...(rule.ports && { ports: withProtocol(rule.ports) }) })) }),
    },
  };
}
