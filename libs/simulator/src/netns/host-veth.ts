import type { LabState, PodState } from '../cluster/types';
import { podMtu } from '../cni/network-config';
import type { NetInterface } from './types';

/**
 * The node-side end of a pod's veth pair. `bridge` names the bridge the plugin enslaves it to
 * (always with hairpin mode on); `peerIndex` is the pod's eth0 index inside its namespace.
 */
export function hostVeth(state: LabState, pod: PodState, peerIndex: number, bridge?: string): NetInterface {
  return {
    index: pod.vethIndex!,
    name: pod.vethName!,
    kind: 'veth',
    mac: pod.vethMac!,
    mtu: podMtu(state),
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    qdisc: 'noqueue',
    state: 'UP',
    qlen: 1000,
    ...(bridge === undefined ? {} : { master: bridge, hairpin: true }),
    peerIndex,
    linkNetnsId: pod.netnsId,
    addresses: [],
  };
}
