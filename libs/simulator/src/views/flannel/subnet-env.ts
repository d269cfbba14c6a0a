import { IPv4CidrRange } from 'ip-num';
import type { LabState } from '../../cluster/types';
import { failed, printed, type ViewOutput } from '../output';

const path = '/run/flannel/subnet.env';
const vxlanOverhead = 50;

/** `cat /run/flannel/subnet.env` on a node: what flanneld wrote from the node's lease. */
export function catFlannelSubnetEnv(state: LabState, nodeName: string): ViewOutput {
  const node = state.nodes.get(nodeName);
  if (!node) throw new Error(`unknown node ${nodeName}`);
  if (state.cluster.cni.plugin !== 'flannel' || !node.podCIDR) return failed(`cat: ${path}: No such file or directory\n`, 1);
  const range = IPv4CidrRange.fromCidr(node.podCIDR);
  const firstIP = range.getFirst().nextIPNumber().toString();
  const mtu = state.cluster.cni.backend === 'vxlan' ? state.cluster.mtu - vxlanOverhead : state.cluster.mtu;
  return printed(
    `FLANNEL_NETWORK=${state.cluster.podCIDR}\n` +
      `FLANNEL_SUBNET=${firstIP}/${range.cidrPrefix.getValue()}\n` +
      `FLANNEL_MTU=${mtu}\n` +
      'FLANNEL_IPMASQ=true\n',
  );
}
