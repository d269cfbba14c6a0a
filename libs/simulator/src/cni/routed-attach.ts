import type { CniCall } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import type { DecidedEvent } from '../model/commands';
import { SimulatorError } from '../model/errors';
import { podKey } from '../model/state';
import type { Prng } from '../net/prng';
import { attached, detaching } from './node-attachments';
import { podCniRequest } from './operations';
import { routedAdd, type RoutedAddOutcome, type RoutedAttachment } from './routed-add';

const failureCode: Record<Extract<RoutedAddOutcome, { ok: false }>['reason'], SimulatorError['code']> = {
  exhausted: 'exhausted',
  'in-use': 'conflict',
  duplicate: 'conflict',
  outside: 'invalid',
  malformed: 'invalid',
  'not-ready': 'invalid',
};

/** The PluginPodAttached event of a pod's CNI ADD through calico, weave or cilium (SimulatorError when ADD fails). */
export function routedAttach(state: LabState, node: NodeState, pod: Pick<PodState, 'namespace' | 'name' | 'uid'>, prng: Prng, pinned: string | undefined, annotation: string): DecidedEvent {
  const containerId = prng.hex(64);
  const netns = `/proc/${1000 + prng.below(4_000_000)}/ns/net`;
  const outcome = routedAdd(state, node, { ...podCniRequest(pod, containerId, netns, pinned), namespace: pod.namespace, name: pod.name }, prng);
  if (!outcome.ok) {
    throw new SimulatorError(
      failureCode[outcome.reason],
      `pod ${pod.namespace}/${pod.name} on node ${node.name}: CNI ADD failed: ${String(outcome.call.stdout?.msg)}`,
      pinned === undefined ? undefined : `annotations.${annotation}`,
      outcome.call,
    );
  }
  return { type: 'PluginPodAttached', data: { namespace: pod.namespace, name: pod.name, node: node.name, ...outcome.attachment, cni: outcome.call } };
}

/** evolve() of PluginPodAttached: the pod's address and veth; the node's allocation and indexes. Returns the node for the CNI log. */
export function applyRoutedAttachment(state: LabState, data: RoutedAttachment & { namespace: string; name: string; node: string; cni: CniCall }): NodeState {
  const key = podKey(data.namespace, data.name);
  const pod = state.pods.get(key)!;
  const node = state.nodes.get(data.node)!;
  const [ip, prefix] = data.address.split('/');
  detaching(node, pod);
  Object.assign(pod, {
    ip,
    prefixLength: Number(prefix),
    gateway: data.gateway,
    phase: 'Running',
    mac: data.mac,
    vethName: data.hostIf,
    vethMac: data.hostMac,
    vethIndex: data.hostIndex,
    containerId: data.containerId,
    netns: data.cni.netns,
    netnsId: data.netnsId,
  });
  attached(node, pod);
  reserveOnNode(node, data);
  return node;
}

/** The node's side of an attachment: its address taken, its ifindex and netnsid used (also on decide's draft of a node being added). */
export function reserveOnNode(node: NodeState, data: Pick<RoutedAttachment, 'address' | 'hostIndex' | 'netnsId' | 'claimedBlock'> & { namespace: string; name: string }): void {
  const ip = data.address.slice(0, data.address.indexOf('/'));
  if (data.claimedBlock && node.pluginNet) node.pluginNet.extraBlocks = [...(node.pluginNet.extraBlocks ?? []), data.claimedBlock];
  node.allocated.set(ip, podKey(data.namespace, data.name));
  node.lastReservedIP = ip;
  node.nextIfIndex = Math.max(node.nextIfIndex, data.hostIndex + 1);
  node.nextNetnsId = Math.max(node.nextNetnsId, data.netnsId + 1);
}

/** evolve() of PodNetworkDetached: the pod keeps its name and uid but has no address until the next ADD. */
export function applyDetachment(state: LabState, data: { namespace: string; name: string }): { node: NodeState; pod: PodState } | undefined {
  const key = podKey(data.namespace, data.name);
  const pod = state.pods.get(key);
  const node = pod && state.nodes.get(pod.node);
  if (!pod || !node) return undefined;
  if (node.allocated.get(pod.ip) === key) node.allocated.delete(pod.ip);
  detaching(node, pod);
  pod.ip = '';
  pod.phase = 'Pending';
  for (const field of ['prefixLength', 'gateway', 'mac', 'vethName', 'vethMac', 'vethIndex', 'containerId', 'netns', 'netnsId'] as const) delete pod[field];
  return { node, pod };
}
