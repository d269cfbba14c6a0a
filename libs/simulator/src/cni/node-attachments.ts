import type { LabState, NodeState, PodState } from '../cluster/types';

/**
 * Per node, how many of its pods hold each container id and each host-side interface name: CNI ADD's
 * duplicate check and veth naming ask it instead of walking the node's pods (two walks of ~100 pods
 * cost ~10% of a mutation's CPU, mostly cache misses). Built from the pods the first time a decision
 * asks about a node; from then on evolve keeps it through attached()/detaching(). A node no decision
 * asked about has none, so a replay pays one WeakMap miss per attachment or deletion.
 */
interface NodeAttachments {
  containers: Map<string, number>;
  hostIfs: Map<string, number>;
}

const byNode = new WeakMap<NodeState, NodeAttachments>();

type Attached = Pick<PodState, 'containerId' | 'vethName'>;

function count(index: NodeAttachments, pod: Attached, by: 1 | -1): void {
  if (pod.containerId) bump(index.containers, pod.containerId, by);
  if (pod.vethName) bump(index.hostIfs, pod.vethName, by);
}

function bump(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

function attachmentsOf(state: LabState, node: NodeState): NodeAttachments {
  let index = byNode.get(node);
  if (!index) {
    index = { containers: new Map(), hostIfs: new Map() };
    for (const key of node.pods) {
      const pod = state.pods.get(key);
      if (pod) count(index, pod, 1);
    }
    byNode.set(node, index);
  }
  return index;
}

/** Whether a pod of the node holds `containerId` (a cheap no for the fresh ids of ADD). */
export function mayHoldContainer(state: LabState, node: NodeState, containerId: string): boolean {
  return attachmentsOf(state, node).containers.has(containerId);
}

export function hostIfTaken(state: LabState, node: NodeState, name: string): boolean {
  return attachmentsOf(state, node).hostIfs.has(name);
}

/** evolve: `pod` of `node` now holds its container id and host interface. */
export function attached(node: NodeState, pod: Attached): void {
  const index = byNode.get(node);
  if (index) count(index, pod, 1);
}

/** evolve: `pod` of `node` is about to lose its container id and host interface (detached, deleted, attached anew). */
export function detaching(node: NodeState, pod: Attached): void {
  const index = byNode.get(node);
  if (index) count(index, pod, -1);
}
