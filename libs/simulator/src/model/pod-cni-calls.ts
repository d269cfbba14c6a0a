import type { CniCall, ClusterSpec } from '@hoplab/events';
import type { CniLogEntry, NodeState, PodState } from '../cluster/types';
import { cniAddCall, cniDel, podCniRequest, type Attachment } from '../cni/operations';

/** What a pod's CNI ADD is derived from: the PodNetworkAttached decisions. */
export type PodAttachment = Pick<Attachment, 'address' | 'gateway' | 'mac' | 'vethName' | 'vethMac'> & {
  namespace: string;
  name: string;
  containerId: string;
  netns: string;
  requestedIp?: string;
};

/**
 * The ADD and DEL a pod's attach and delete log, built when first read: a replay of a long history logs
 * every pod's calls, and almost none of them is ever looked at. Each keeps only what its call is made of
 * (not the pod, not a closure): a node's log outlives ~10,000 events of a busy lab's replay, so what an
 * entry holds survives young-generation collections, and was most of their work (measured).
 */
export class PodAddCall implements CniLogEntry {
  #cluster: ClusterSpec;
  #node: NodeState;
  #uid: string;
  #attachment: PodAttachment;
  #bridge: { name: string; mac: string };
  #call: CniCall | undefined;

  /** cluster and bridge as they are at the event: both are replaced, never changed in place. */
  constructor(
    readonly time: number,
    readonly seq: number,
    cluster: ClusterSpec,
    node: NodeState,
    uid: string,
    attachment: PodAttachment,
    bridge: { name: string; mac: string },
  ) {
    this.#cluster = cluster;
    this.#node = node;
    this.#uid = uid;
    this.#attachment = attachment;
    this.#bridge = bridge;
  }

  get call(): CniCall {
    if (!this.#call) {
      const attachment = this.#attachment;
      const request = podCniRequest({ namespace: attachment.namespace, name: attachment.name, uid: this.#uid }, attachment.containerId, attachment.netns, attachment.requestedIp);
      this.#call = cniAddCall({ cluster: this.#cluster }, this.#node, request, attachment, this.#bridge);
    }
    return this.#call;
  }
}

export class PodDelCall implements CniLogEntry {
  #cluster: ClusterSpec;
  #node: NodeState;
  #namespace: string;
  #name: string;
  #uid: string;
  #containerId: string;
  #netns: string;
  #call: CniCall | undefined;

  /** Copies the few fields of the deleted pod its call is made of. */
  constructor(
    readonly time: number,
    readonly seq: number,
    cluster: ClusterSpec,
    node: NodeState,
    pod: Pick<PodState, 'namespace' | 'name' | 'uid' | 'netns'>,
    containerId: string,
  ) {
    this.#cluster = cluster;
    this.#node = node;
    this.#namespace = pod.namespace;
    this.#name = pod.name;
    this.#uid = pod.uid;
    this.#containerId = containerId;
    this.#netns = pod.netns ?? '';
  }

  get call(): CniCall {
    this.#call ??= cniDel({ cluster: this.#cluster }, this.#node, podCniRequest({ namespace: this.#namespace, name: this.#name, uid: this.#uid }, this.#containerId, this.#netns));
    return this.#call;
  }
}
