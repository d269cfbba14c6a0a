/**
 * For the models whose plugin decides in the nodes' iptables (calico's Felix, weave-npc): each node's
 * tables as the plugin writes them, and whether a node's filter FORWARD chain, walked by the
 * datapath's netfilter evaluator, accepts the first packet of a new pod-to-pod connection.
 */
import type { LabState, PodState } from '@hoplab/simulator';
import { applyPluginChains } from '@hoplab/simulator/cni/plugin-chains';
import { flowDraws, runChain, type FilterPacket } from '@hoplab/simulator/datapath/netfilter-eval';
import { createNetfilter, type Netfilter } from '@hoplab/simulator/iptables';
import type { Protocol } from '@hoplab/simulator/netpol';

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) >>> 0;
}

export interface PodFlow {
  from: PodState;
  to: PodState;
  port: number;
  protocol: Protocol;
}

/** Where the packet crosses the node: its interfaces (and bridge ports), and the ipsets it is matched against. */
export type ForwardPath = Pick<FilterPacket, 'inInterface' | 'outInterface' | 'physIn' | 'physOut' | 'inSet'>;

export function forwardChainAccepts(state: LabState): (node: string, flow: PodFlow, path: ForwardPath) => boolean {
  const tables = new Map<string, Netfilter>();
  for (const node of state.nodes.values()) {
    const netfilter = createNetfilter();
    applyPluginChains(netfilter, state, node);
    tables.set(node.name, netfilter);
  }
  return (node, { from, to, port, protocol }, path) => {
    const netfilter = tables.get(node)!;
    const packet: FilterPacket = {
      src: toInt(from.ip),
      dst: toInt(to.ip),
      protocol: protocol.toLowerCase() as FilterPacket['protocol'],
      srcPort: 40000,
      dstPort: port,
      ...path,
      mark: 0,
      ctstates: ['NEW'],
      isLocal: () => false,
    };
    return runChain((table, chain) => netfilter[table].chains.get(chain), 'filter', 'FORWARD', packet, flowDraws(1)).verdict.kind === 'ACCEPT';
  };
}
