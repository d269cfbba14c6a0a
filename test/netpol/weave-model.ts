/**
 * Weave Net: reachability is what the weave bridge's FORWARD chain decides with weave-npc's
 * WEAVE-NPC* chains and ipsets (cni/weave-npc.ts), walked by the netfilter evaluator as
 * br_netfilter shows bridged frames: in and out of `weave`, with the bridge ports as physdev. A
 * frame to another node leaves through vethwe-bridge (egress is checked there, WEAVE-NPC lets it
 * go); on the destination node it comes in from vethwe-bridge (egress skipped) and meets
 * WEAVE-NPC-DEFAULT / WEAVE-NPC-INGRESS. Both nodes must accept.
 */
import { BRIDGE_PORT, weaveSetMembership } from '@hoplab/simulator/cni/weave-npc';
import { forwardChainAccepts } from './forward-chain';
import { labModel, type Datapath } from './lab-model';
import type { ModelLab } from './model';

const weaveNpc: Datapath = (state) => {
  const accepts = forwardChainAccepts(state);
  const inSet = weaveSetMembership(state);
  return (_state, from, to, port, protocol) => {
    const flow = { from, to, port, protocol };
    const bridged = (node: string, physIn: string, physOut: string) => accepts(node, flow, { inInterface: 'weave', outInterface: 'weave', physIn, physOut, inSet });
    if (from.node === to.node) return bridged(from.node, from.vethName!, to.vethName!);
    return bridged(from.node, from.vethName!, BRIDGE_PORT) && bridged(to.node, BRIDGE_PORT, to.vethName!);
  };
};

export function weaveModelLab(Base: typeof ModelLab): typeof ModelLab {
  return labModel(Base, { plugin: 'weave' }, weaveNpc);
}
