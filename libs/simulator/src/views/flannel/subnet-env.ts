import type { LabState } from '../../cluster/types';
import { flannelSubnetEnv } from '../../cni/network-config';
import { failed, printed, type ViewOutput } from '../output';

/** `cat /run/flannel/subnet.env` on a node: what flanneld wrote from the node's lease (the model's content). */
export function catFlannelSubnetEnv(state: LabState, nodeName: string): ViewOutput {
  const node = state.nodes.get(nodeName);
  if (!node) throw new Error(`unknown node ${nodeName}`);
  if (state.cluster.cni.plugin !== 'flannel' || !node.podCIDR) {
    return failed('cat: /run/flannel/subnet.env: No such file or directory\n', 1);
  }
  return printed(flannelSubnetEnv(state, node));
}
