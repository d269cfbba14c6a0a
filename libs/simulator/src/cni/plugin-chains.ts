import type { LabState, NodeState } from '../cluster/types';
import type { Netfilter } from '../iptables';
import { applyCiliumChains } from './cilium-chains';
import { applyFelixChains } from './felix-chains';
import { applyWeaveChains } from './weave-npc';

/** The CNI agent's own iptables chains on a node, written after kubelet's at boot (calico: Felix's cali-* chains; cilium: CILIUM_*; weave: the router's and weave-npc's WEAVE*). */
export function applyPluginChains(netfilter: Netfilter, state: LabState, node: NodeState): void {
  if (state.cluster.cni.plugin === 'calico') applyFelixChains(netfilter, state, node);
  else if (state.cluster.cni.plugin === 'cilium') applyCiliumChains(netfilter, state, node);
  else if (state.cluster.cni.plugin === 'weave') applyWeaveChains(netfilter, state);
}
