import type { LabState } from '../cluster/types';
import { endpointChainName, endpointString, servicePortHash, servicePortName } from '../kube-proxy/chain-names';
import { serviceEndpoints } from '../services/endpoints';
import type { ServiceState } from '../services/types';
import type { TraceProtocol } from './types';

export type ServiceDecision =
  | { kind: 'none' }
  | { kind: 'no-endpoints'; service: ServiceState; rule: string }
  | { kind: 'dnat'; service: ServiceState; ip: string; port: number; pod?: string; rule: string; endpoints: number };

/**
 * kube-proxy's nat rules for a packet to a ClusterIP (KUBE-SERVICES → KUBE-SVC → KUBE-SEP DNAT):
 * the endpoint is chosen from the flow's 5-tuple (what the random probabilities and then the
 * conntrack entry pin for this connection); no endpoints → the filter table's REJECT.
 */
export function serviceDecision(state: LabState, dst: string, port: number | undefined, protocol: TraceProtocol, flowHash: number): ServiceDecision {
  if (protocol === 'ICMP' || port === undefined) return { kind: 'none' };
  for (const service of state.services?.values() ?? []) {
    if (service.clusterIP !== dst) continue;
    const endpoints = serviceEndpoints(state, service).find((entry) => entry.port.port === port && entry.port.protocol === protocol);
    if (!endpoints) return { kind: 'none' };
    const spn = servicePortName(service.namespace, service.name, endpoints.port.name);
    if (endpoints.addresses.length === 0) return { kind: 'no-endpoints', service, rule: `KUBE-SERVICES REJECT (${spn} has no endpoints)` };
    const sorted = [...endpoints.addresses].sort((a, b) => (endpointString(a.address.ip, a.port) < endpointString(b.address.ip, b.port) ? -1 : 1));
    const chosen = sorted[flowHash % sorted.length];
    const endpoint = endpointString(chosen.address.ip, chosen.port);
    return {
      kind: 'dnat',
      service,
      ip: chosen.address.ip,
      port: chosen.port,
      ...(chosen.address.pod ? { pod: chosen.address.pod } : {}),
      rule: `KUBE-SVC-${servicePortHash(spn, protocol)} → ${endpointChainName(spn, protocol, endpoint)} DNAT to ${endpoint}`,
      endpoints: sorted.length,
    };
  }
  return { kind: 'none' };
}
