/**
 * Calico: reachability is what Felix's cali-* chains of the nodes decide (cni/felix-chains.ts),
 * walked by the datapath's netfilter evaluator: the packet crosses cali-FORWARD of the source pod's
 * node (egress, cali-fw-) and of the destination pod's node (ingress, cali-tw-); both must accept.
 */
import { forwardChainAccepts } from './forward-chain';
import { labModel, type Datapath } from './lab-model';
import type { ModelLab } from './model';

const felix: Datapath = (state) => {
  const accepts = forwardChainAccepts(state);
  return (_state, from, to, port, protocol) => {
    const flow = { from, to, port, protocol };
    const forward = (node: string, inInterface: string, outInterface: string) => accepts(node, flow, { inInterface, outInterface });
    if (from.node === to.node) return forward(from.node, from.vethName!, to.vethName!);
    return forward(from.node, from.vethName!, 'eth0') && forward(to.node, 'eth0', to.vethName!);
  };
};

export function felixModelLab(Base: typeof ModelLab): typeof ModelLab {
  return labModel(Base, { plugin: 'calico', backend: 'bgp' }, felix);
}
