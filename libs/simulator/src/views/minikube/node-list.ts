import type { LabState } from '../../cluster/types';
import { printed, type ViewOutput } from '../output';

/** `minikube node list`: name, a tab, the node IP; nodes in the order they joined. */
export function minikubeNodeList(state: LabState): ViewOutput {
  return printed([...state.nodes.values()].map((node) => `${node.name}\t${node.ip}\n`).join(''));
}
