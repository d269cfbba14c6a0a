import { decideFlow } from './evaluate';
import { indexWorld, isNetpolIndex, type CompiledPolicy, type NetpolIndex } from './policy-index';
import type { NetpolPod, NetpolWorld, Protocol } from './types';

export interface ConnectivityMatrix {
  pods: string[];
  /** matrix[source][destination], in the order of `pods`. */
  matrix: boolean[][];
}

/**
 * Every pod to every pod on one port and protocol, by the same engine as single verdicts. Pods
 * are given as objects or "namespace/name" keys of the world's pods (unknown keys are skipped).
 */
export function connectivityMatrix(
  world: NetpolWorld | NetpolIndex,
  pods: readonly (NetpolPod | string)[],
  port: number,
  protocol: Protocol,
): ConnectivityMatrix {
  const index = isNetpolIndex(world) ? world : indexWorld(world);
  const resolved = pods
    .map((pod) => (typeof pod === 'string' ? index.pod(pod) : pod))
    .filter((pod): pod is NetpolPod => pod !== undefined);
  const selected: CompiledPolicy[][] = resolved.map((pod) => index.selecting(pod));
  const matrix = resolved.map((source, i) =>
    resolved.map(
      (destination, j) =>
        decideFlow(index, { source, destination, port, protocol }, { source: selected[i], destination: selected[j] }).allowed,
    ),
  );
  return { pods: resolved.map((pod) => `${pod.namespace}/${pod.name}`), matrix };
}
