import type { LabState, PodState } from '../cluster/types';
import { podMtu } from '../cni/network-config';
import { broadcastOf, formatIp, parseCidr } from '../net/ipv4';
import type { NetInterface } from './types';

/**
 * The pod's end of its veth pair. `index` is eth0's ifindex in the pod's namespace; `broadcast`
 * is whether its address carries a `brd` (not for the /32s of calico and cilium).
 */
export function podEth0(state: LabState, pod: PodState, index: number, broadcast: boolean): NetInterface {
  const range = parseCidr(`${pod.ip}/${pod.prefixLength}`, false)!;
  return {
    index,
    name: 'eth0',
    kind: 'veth',
    mac: pod.mac!,
    mtu: podMtu(state),
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    qdisc: 'noqueue',
    state: 'UP',
    qlen: 1000,
    peerIndex: pod.vethIndex,
    linkNetnsId: 0,
    addresses: [{ cidr: `${pod.ip}/${range.prefix}`, ...(broadcast ? { broadcast: formatIp(broadcastOf(range)) } : {}), scope: 'global', label: 'eth0' }],
  };
}
