import { nodeNetNamespace, type LabState, type NodeState } from '@hoplab/simulator';
import { addNamespace, inNs, run, tag } from './netns';

/**
 * Two lab nodes as network namespaces joined by one veth pair (a direct underlay link): each end is the node's
 * eth0 with the MAC, MTU and address HopLab derives, and the node forwards. `prefix` keeps the pair's temporary
 * host-side names apart from other suites'.
 */
export function linkTwoNodes(state: LabState, nodes: [NodeState, NodeState], nodeNs: (node: NodeState) => string, prefix: string): void {
  for (const node of nodes) addNamespace(nodeNs(node));
  run(['ip', 'link', 'add', `${prefix}0-${tag}`, 'type', 'veth', 'peer', 'name', `${prefix}1-${tag}`]);
  nodes.forEach((node, i) => {
    const ns = nodeNs(node);
    run(['ip', 'link', 'set', `${prefix}${i}-${tag}`, 'netns', ns]);
    inNs(ns, ['ip', 'link', 'set', `${prefix}${i}-${tag}`, 'name', 'eth0']);
    const eth0 = nodeNetNamespace(state, node.name).interfaces.find((iface) => iface.name === 'eth0')!;
    inNs(ns, ['ip', 'link', 'set', 'eth0', 'address', eth0.mac, 'mtu', String(eth0.mtu), 'up']);
    inNs(ns, ['ip', 'addr', 'add', eth0.addresses[0].cidr, 'dev', 'eth0']);
    inNs(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  });
}
