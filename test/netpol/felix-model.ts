/**
 * Calico: reachability is what Felix's cali-* chains of the nodes decide (cni/felix-chains.ts),
 * walked by the datapath's netfilter evaluator: the packet crosses cali-FORWARD of the source pod's
 * node (egress, cali-fw-) and of the destination pod's node (ingress, cali-tw-); both must accept.
 */
import type { PodState } from '@hoplab/simulator';
import { applyPluginChains } from '@hoplab/simulator/cni/plugin-chains';
import { flowDraws, runChain, type FilterPacket } from '@hoplab/simulator/datapath/netfilter-eval';
import { createNetfilter, type Netfilter } from '@hoplab/simulator/iptables';
import { labModel, toInt, type Datapath } from './lab-model';
import type { ModelLab } from './model';

const felix: Datapath = (state) => {
  const tables = new Map<string, Netfilter>();
  for (const node of state.nodes.values()) {
    const netfilter = createNetfilter();
    applyPluginChains(netfilter, state, node);
    tables.set(node.name, netfilter);
  }
  return (_state, from, to, port, protocol) => {
    const forward = (node: string, inInterface: string, outInterface: string) => {
      const netfilter = tables.get(node)!;
      const packet: FilterPacket = {
        src: toInt(from.ip),
        dst: toInt(to.ip),
        protocol: protocol.toLowerCase() as FilterPacket['protocol'],
        srcPort: 40000,
        dstPort: port,
        inInterface,
        outInterface,
        mark: 0,
        ctstates: ['NEW'],
        isLocal: () => false,
      };
      return runChain((table, chain) => netfilter[table].chains.get(chain), 'filter', 'FORWARD', packet, flowDraws(1)).verdict.kind === 'ACCEPT';
    };
    const [a, b]: PodState[] = [from, to];
    if (a.node === b.node) return forward(a.node, a.vethName!, b.vethName!);
    return forward(a.node, a.vethName!, 'eth0') && forward(b.node, 'eth0', b.vethName!);
  };
};

export function felixModelLab(Base: typeof ModelLab): typeof ModelLab {
  return labModel(Base, { plugin: 'calico', backend: 'bgp' }, felix);
}
