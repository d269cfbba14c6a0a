/**
 * Weave Net: reachability is what the weave bridge's FORWARD chain decides with weave-npc's
 * WEAVE-NPC* chains and ipsets (cni/weave-npc.ts), walked by the netfilter evaluator as
 * br_netfilter shows bridged frames: in and out of `weave`, with the bridge ports as physdev. A
 * frame to another node leaves through vethwe-bridge (egress is checked there, WEAVE-NPC lets it
 * go); on the destination node it comes in from vethwe-bridge (egress skipped) and meets
 * WEAVE-NPC-DEFAULT / WEAVE-NPC-INGRESS. Both nodes must accept.
 */
import { applyPluginChains } from '@hoplab/simulator/cni/plugin-chains';
import { BRIDGE_PORT, weaveSetMembership } from '@hoplab/simulator/cni/weave-npc';
import { flowDraws, runChain, type FilterPacket } from '@hoplab/simulator/datapath/netfilter-eval';
import { createNetfilter, type Netfilter } from '@hoplab/simulator/iptables';
import { labModel, toInt, type Datapath } from './lab-model';
import type { ModelLab } from './model';

const weaveNpc: Datapath = (state) => {
  const tables = new Map<string, Netfilter>();
  for (const node of state.nodes.values()) {
    const netfilter = createNetfilter();
    applyPluginChains(netfilter, state, node);
    tables.set(node.name, netfilter);
  }
  const inSet = weaveSetMembership(state);
  return (_state, from, to, port, protocol) => {
    const bridged = (node: string, physIn: string, physOut: string) => {
      const netfilter = tables.get(node)!;
      const packet: FilterPacket = {
        src: toInt(from.ip),
        dst: toInt(to.ip),
        protocol: protocol.toLowerCase() as FilterPacket['protocol'],
        srcPort: 40000,
        dstPort: port,
        inInterface: 'weave',
        outInterface: 'weave',
        physIn,
        physOut,
        mark: 0,
        ctstates: ['NEW'],
        isLocal: () => false,
        inSet,
      };
      return runChain((table, chain) => netfilter[table].chains.get(chain), 'filter', 'FORWARD', packet, flowDraws(1)).verdict.kind === 'ACCEPT';
    };
    if (from.node === to.node) return bridged(from.node, from.vethName!, to.vethName!);
    return bridged(from.node, from.vethName!, BRIDGE_PORT) && bridged(to.node, BRIDGE_PORT, to.vethName!);
  };
};

export function weaveModelLab(Base: typeof ModelLab): typeof ModelLab {
  return labModel(Base, { plugin: 'weave' }, weaveNpc);
}
