/**
 * Cilium: reachability is what the endpoints' identity-based policy maps allow (cni/cilium-policy.ts),
 * looked up as cilium's eBPF does: egress at the source pod's lxc, ingress at the destination's.
 */
import { ciliumPolicyVerdict } from '@hoplab/simulator/cni/cilium-policy';
import { labModel, type Datapath } from './lab-model';
import type { ModelLab } from './model';

const ciliumPolicy: Datapath = () => (state, from, to, port, protocol) => ciliumPolicyVerdict(state, from.ip, to.ip, protocol, port).allowed;

export function ciliumModelLab(Base: typeof ModelLab): typeof ModelLab {
  return labModel(Base, { plugin: 'cilium' }, ciliumPolicy);
}
