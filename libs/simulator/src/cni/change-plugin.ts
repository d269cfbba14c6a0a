import { clusterSpecSchema, type ClusterSpecInput } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import type { DecidedEvent } from '../model/commands';
import { SimulatorError } from '../model/errors';
import { evolve } from '../model/evolve';
import { fromSnapshot, toSnapshot } from '../model/state';
import type { Prng } from '../net/prng';
import { cniDel, podCniRequest } from './operations';
import { pluginNodeReady } from './plugin-node';
import { isPluginSystemPod, pluginSystemPods } from './plugin-system-pods';

export interface ChangePluginSteps {
  podDeletion: (pod: PodState) => DecidedEvent;
  attach: (state: LabState, node: NodeState, pod: Pick<PodState, 'namespace' | 'name' | 'uid'>, prng: Prng) => DecidedEvent;
}

/**
 * `changePlugin`: what a migration to another CNI does. The old plugin's pods go (DaemonSet pods
 * deleted, every other pod-network pod through CNI DEL), the nodes drop its devices
 * (PluginChanged), the new agent starts on each node (PluginNodeReady), its pods are created and
 * every pod is added again through the new plugin, getting a new address. Each step is decided on
 * a working copy that has the previous steps applied, so addresses are handed out in order.
 */
export function changePlugin(state: LabState, input: ClusterSpecInput['cni'], prng: Prng, steps: ChangePluginSteps): DecidedEvent[] {
  const parsed = clusterSpecSchema.safeParse({ cni: input });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.');
    throw new SimulatorError('invalid', `${path}: ${issue.message}`, path);
  }
  const from = state.cluster.cni;
  const to = parsed.data.cni;
  if (from.kubeProxyReplacement || to.kubeProxyReplacement) {
    // Whether kube-proxy runs is decided when the cluster is set up (kubeadm skips its addon phase).
    throw new SimulatorError('invalid', 'cni.kubeProxyReplacement: kube-proxy replacement is chosen when the lab is created; it cannot be switched by changing the plugin', 'cni.kubeProxyReplacement');
  }
  if (from.plugin === to.plugin && from.backend === to.backend && from.encryption === to.encryption) return [];

  const draft = fromSnapshot(toSnapshot(state));
  const events: DecidedEvent[] = [];
  const emit = (event: DecidedEvent) => {
    events.push(event);
    evolve(draft, { seq: draft.version + 1, type: event.type, data: event.data, time: state.time });
  };
  const readd: PodState[] = [];
  for (const pod of state.pods.values()) {
    if (isPluginSystemPod(pod, from.plugin)) emit(steps.podDeletion(pod));
    else if (!pod.hostNetwork && pod.containerId) {
      const node = state.nodes.get(pod.node)!;
      emit({ type: 'PodNetworkDetached', data: { namespace: pod.namespace, name: pod.name, cni: cniDel(state, node, podCniRequest(pod, pod.containerId, pod.netns ?? '')) } });
      readd.push(pod);
    }
  }
  emit({ type: 'PluginChanged', data: { from, to } });
  for (const node of draft.nodes.values()) {
    const ready = pluginNodeReady(draft, node, prng);
    if (ready) emit({ type: 'PluginNodeReady', data: ready });
  }
  const taken = new Set<string>();
  for (const node of draft.nodes.values()) {
    const { hostNetwork, podNetwork } = pluginSystemPods(draft, node, prng, () => prng.uuid(), taken);
    for (const pod of hostNetwork) emit({ type: 'PodCreated', data: pod });
    for (const pod of podNetwork) {
      emit({ type: 'PodCreated', data: pod });
      emit(steps.attach(draft, draft.nodes.get(node.name)!, pod, prng));
    }
  }
  for (const pod of readd) emit(steps.attach(draft, draft.nodes.get(pod.node)!, pod, prng));
  return events;
}
