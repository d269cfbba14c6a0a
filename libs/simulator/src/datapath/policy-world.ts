import type { LabState } from '../cluster/types';
import { indexWorld, type NetpolIndex } from '../netpol';

const cache = new WeakMap<LabState, { version: number; index: NetpolIndex }>();

/**
 * The NetworkPolicy engine's index over the lab's pods, namespaces and policies. LabState is
 * mutated in place by evolve(), so the index is memoised per state object and version.
 */
export function labPolicyIndex(state: LabState): NetpolIndex {
  const cached = cache.get(state);
  if (cached && cached.version === state.version) return cached.index;
  const index = indexWorld({
    namespaces: state.namespaces,
    pods: state.pods,
    policies: [...state.networkPolicies.values()].map((entry) => entry.policy),
  });
  cache.set(state, { version: state.version, index });
  return index;
}
