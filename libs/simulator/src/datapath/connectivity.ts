import type { LabState } from '../cluster/types';
import { connectivityMatrix, enforcesNetworkPolicy, type ConnectivityMatrix, type Protocol } from '../netpol';
import { labPolicyIndex } from './policy-world';

export interface ConnectivityRequest {
  port: number;
  protocol: Protocol;
}

/**
 * GET /api/labs/:lab/connectivity: every running pod (not hostNetwork) to every such pod on one
 * port and protocol, `matrix[source][destination]`, pods as "namespace/name" in storage order.
 * Computed by the NetworkPolicy engine the tracer uses, as the lab's plugin applies it: on a
 * plugin that does not enforce policies every cell is true.
 */
export function labConnectivity(state: LabState, request: ConnectivityRequest): ConnectivityMatrix {
  const pods = [...state.pods.values()].filter((pod) => pod.phase === 'Running' && !pod.hostNetwork && pod.ip !== '');
  pods.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
  const result = connectivityMatrix(labPolicyIndex(state), pods, request.port, request.protocol);
  if (enforcesNetworkPolicy(state.cluster.cni.plugin)) return result;
  return { pods: result.pods, matrix: result.matrix.map((row) => row.map(() => true)) };
}
