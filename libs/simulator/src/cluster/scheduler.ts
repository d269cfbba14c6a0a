import type { LabState, NodeState } from './types';

/** Deterministic least-loaded choice: fewest pods, ties to the node added first. */
export function scheduleNode(state: LabState): NodeState | undefined {
  let best: NodeState | undefined;
  for (const node of state.nodes.values()) {
    if (!best || node.pods.size < best.pods.size) best = node;
  }
  return best;
}
