import type { LabState, PodState } from '../cluster/types';
import { KUBE_NAME_ALPHABET } from '../cluster/names';
import type { DecidedEvent } from '../model/commands';
import { SimulatorError } from '../model/errors';
import type { Prng } from '../net/prng';
import { requireNode } from './node-tables';
import { runNodeIptables } from './run-iptables';

/** The `iptables` command: the change as an event, or iptables' own error text as an invalid command. */
export function decideIptables(state: LabState, node: string, args: string[], time: number): DecidedEvent[] {
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) throw new SimulatorError('invalid', 'args must be a list of strings', 'args');
  const run = runNodeIptables(state, node, args, time);
  if (run.exitCode !== 0) throw new SimulatorError('invalid', run.stderr.trimEnd(), 'args');
  return run.events;
}

const isKubeProxyPod = (pod: PodState) => pod.owner?.kind === 'DaemonSet' && pod.owner.name === 'kube-proxy';

/** The DaemonSet controller's new pod for a deleted kube-proxy pod: same template, new name and uid. */
function replacementPod(state: LabState, pod: PodState, prng: Prng, taken: Set<string>): DecidedEvent {
  let name: string;
  do name = `kube-proxy-${prng.pick(KUBE_NAME_ALPHABET, 5)}`;
  while (state.pods.has(`kube-system/${name}`) || taken.has(name));
  taken.add(name);
  return {
    type: 'PodCreated',
    data: {
      namespace: pod.namespace,
      name,
      uid: prng.uuid(),
      labels: pod.labels,
      annotations: pod.annotations,
      node: pod.node,
      hostNetwork: pod.hostNetwork,
      containers: pod.containers,
      ...(pod.owner ? { owner: pod.owner } : {}),
    },
  };
}

/** Deleting a kube-proxy pod: the DaemonSet starts a new one on the node at once, and kube-proxy restarts there. */
export function kubeProxyPodReplacement(state: LabState, pod: PodState, prng: Prng): DecidedEvent[] {
  if (!isKubeProxyPod(pod)) return [];
  return [replacementPod(state, pod, prng, new Set()), { type: 'KubeProxyRestarted', data: { nodes: [pod.node] } }];
}

/** `kubectl rollout restart ds kube-proxy -n kube-system` (every node), or one node's kube-proxy. */
export function restartKubeProxy(state: LabState, node: string | undefined, prng: Prng, deletion: (pod: PodState) => DecidedEvent): DecidedEvent[] {
  if (node !== undefined) requireNode(state, node);
  const pods = [...state.pods.values()].filter((pod) => isKubeProxyPod(pod) && (node === undefined || pod.node === node));
  if (pods.length === 0) throw new SimulatorError('not-found', 'daemonsets.apps "kube-proxy" has no pods to restart', 'node');
  const taken = new Set<string>();
  const events: DecidedEvent[] = [];
  for (const pod of pods) events.push(deletion(pod), replacementPod(state, pod, prng, taken));
  events.push({ type: 'KubeProxyRestarted', data: { nodes: pods.map((pod) => pod.node) } });
  return events;
}
