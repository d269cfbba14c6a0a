import type { LabState } from '../cluster/types';
import { oncePerVersion } from '../cluster/once-per-version';
import { indexWorld, type NetpolIndex } from '../netpol';

/**
 * The NetworkPolicy engine's index over the lab's pods, namespaces and policies. LabState is
 * mutated in place by evolve(), so the index is memoised per state object and version.
 */
export const labPolicyIndex: (state: LabState) => NetpolIndex = oncePerVersion((state) =>
  indexWorld({
    namespaces: state.namespaces,
    pods: state.pods,
    policies: [...state.networkPolicies.values()].map((entry) => entry.policy),
  }),
);
