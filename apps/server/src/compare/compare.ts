import { applyCommand, fromSnapshot, pluginDatapath, toSnapshot, trace, type LabState, type TraceRequest } from '@hoplab/simulator';

export interface PluginChoice {
  plugin: 'bridge' | 'flannel' | 'calico' | 'weave' | 'cilium';
  backend?: string;
}

/**
 * The lab's workload moved onto each plugin (a CNI DEL then ADD of every pod, as a real migration
 * does), in private copies of the state, and the same packet traced through each: the side-by-side
 * view of what the plugins do differently. Nothing is appended to the lab.
 */
export function comparePlugins(state: LabState, plugins: PluginChoice[], request: TraceRequest) {
  const snapshot = toSnapshot(state);
  return plugins.map((choice) => {
    const copy = fromSnapshot(snapshot);
    if (copy.cluster.cni.plugin !== choice.plugin || (choice.backend !== undefined && copy.cluster.cni.backend !== choice.backend)) {
      applyCommand(copy, { type: 'changePlugin', cni: { plugin: choice.plugin, ...(choice.backend !== undefined ? { backend: choice.backend } : {}) } }, copy.time, 'compare');
    }
    const datapath = pluginDatapath(copy);
    const result = trace(copy, request, { now: copy.time });
    const forward = result.hops.filter((hop) => !hop.summary.startsWith('Reply: '));
    return {
      plugin: datapath.plugin,
      backend: datapath.backend,
      verdict: result.verdict,
      reason: result.reason,
      hops: forward.length,
      routingHops: forward.filter((hop) => hop.action === 'route').length,
      deliveredTtl: result.deliveredTtl ?? null,
      encapsulation: datapath.encapsulation,
      encryption: datapath.encryption,
      podMtu: datapath.podMtu,
      policy: datapath.policy,
      services: datapath.services,
      trace: result.hops,
    };
  });
}
