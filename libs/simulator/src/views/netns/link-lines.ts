import type { NetInterface, NetNamespace } from '../../netns/types';

/**
 * The iproute2 layout to imitate. '6.1' is Debian 12's (minikube's kicbase today, the reference
 * captures); '5.5' is Ubuntu 20.04's (the seed's minikube v1.30): no `allmulti`, no tso/gro sizes.
 */
export type Iproute2Layout = '6.1' | '5.5';

export interface DetailsOptions {
  layout?: Iproute2Layout;
  /**
   * Bridge timers are kernel countdowns that `ip -d` shows with two decimals; the views do not
   * simulate them, so they print 0.00 unless given (seconds).
   */
  timers?: { bridgeGc?: number; portForwardDelay?: number };
}

/** First line of an interface in `ip addr` / `ip link` (`mode DEFAULT` only in `ip link`). */
export function headerLine(ns: NetNamespace, iface: NetInterface, command: 'addr' | 'link'): string {
  const master = iface.master ? ` master ${iface.master}` : '';
  const mode = command === 'link' ? ' mode DEFAULT' : '';
  const qlen = iface.qlen === undefined ? '' : `qlen ${iface.qlen}`;
  return (
    `${iface.index}: ${iface.name}${peerSuffix(ns, iface)}: <${iface.flags.join(',')}> mtu ${iface.mtu} ` +
    `qdisc ${iface.qdisc}${master} state ${iface.state}${mode} group default ${qlen}\n`
  );
}

function peerSuffix(ns: NetNamespace, iface: NetInterface): string {
  if (iface.peerIndex === undefined) return '';
  if (iface.linkNetnsId !== undefined) return `@if${iface.peerIndex}`;
  if (iface.peerIndex === 0) return '@NONE';
  const peer = ns.interfaces.find((other) => other.index === iface.peerIndex);
  return peer ? `@${peer.name}` : `@if${iface.peerIndex}`;
}

/** Second line: `    link/<type> <addr> brd <addr>[ link-netnsid N]`, plus the details when asked. */
export function linkLine(ns: NetNamespace, iface: NetInterface, details?: DetailsOptions & { command: 'addr' | 'link' }): string {
  const netns = iface.linkNetnsId === undefined ? '' : ` link-netnsid ${iface.linkNetnsId}`;
  const line = `    ${linkLayer(iface)}${netns}`;
  return details ? line + detailsPart(ns, iface, details) + '\n' : line + '\n';
}

function linkLayer(iface: NetInterface): string {
  switch (iface.kind) {
    case 'loopback':
      return 'link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00';
    case 'ipip':
      return 'link/ipip 0.0.0.0 brd 0.0.0.0';
    case 'wireguard':
      return 'link/none ';
    default:
      return `link/ether ${iface.mac} brd ff:ff:ff:ff:ff:ff`;
  }
}

const mtuLimits: Partial<Record<NetInterface['kind'], [number, number]>> = {
  loopback: [0, 0],
  dummy: [0, 0],
  // The ipip module's fallback device tunl0 sets no limits; WireGuard's max is INT_MAX rounded to its padding, less the IPv6 overhead.
  ipip: [0, 0],
  wireguard: [0, 2147483552],
};

/** Software devices that keep the kernel's default TSO limit (OBS: wg0, ovs-system under iproute2 6.x). */
const legacyTso: ReadonlySet<NetInterface['kind']> = new Set(['ipip', 'wireguard', 'openvswitch']);

/** The kind of the device `iface` is enslaved to: a Linux bridge or an Open vSwitch datapath (weave fastdp). */
function masterKind(ns: NetNamespace, iface: NetInterface): NetInterface['kind'] | undefined {
  return iface.master === undefined ? undefined : ns.interfaces.find((other) => other.name === iface.master)?.kind;
}

function detailsPart(ns: NetNamespace, iface: NetInterface, options: DetailsOptions & { command: 'addr' | 'link' }): string {
  const layout = options.layout ?? '6.1';
  // Bridge and datapath ports are promiscuous, and so is an Open vSwitch datapath itself; only Linux bridge ports are allmulti.
  const promiscuity = iface.master || iface.flags.includes('PROMISC') ? 1 : 0;
  const allmulti = masterKind(ns, iface) === 'bridge' ? 1 : 0;
  const [minmtu, maxmtu] = mtuLimits[iface.kind] ?? [68, 65535];
  const queues = iface.txQueues ?? 1;
  return (
    (layout === '6.1' ? ` promiscuity ${promiscuity}  allmulti ${allmulti} ` : ` promiscuity ${promiscuity} `) +
    `minmtu ${minmtu} maxmtu ${maxmtu} ` +
    kindLines(ns, iface, options) +
    (options.command === 'link' ? `addrgenmode ${iface.kind === 'wireguard' ? 'none' : 'eui64'} ` : '') +
    `numtxqueues ${queues} numrxqueues ${queues} gso_max_size 65536 gso_max_segs 65535 ` +
    (layout === '6.1' ? `tso_max_size ${iface.tsoMaxSize ?? (legacyTso.has(iface.kind) ? 65536 : 524280)} tso_max_segs 65535 gro_max_size 65536 ` : '')
  );
}

function kindLines(ns: NetNamespace, iface: NetInterface, options: DetailsOptions): string {
  // A port of an Open vSwitch datapath (weave's vethwe-datapath, vxlan-6784) prints its slave kind, as a bridge port does.
  const ovsPort = masterKind(ns, iface) === 'openvswitch' ? '\n    openvswitch_slave ' : '';
  switch (iface.kind) {
    case 'vxlan':
      return iface.vxlan ? `\n    ${vxlanLine(iface.vxlan, ovsPort !== '')}${ovsPort}` : '';
    case 'bridge':
      return `\n    ${bridgeLine(iface, options.timers?.bridgeGc ?? 0)}`;
    case 'veth':
      return '\n    veth ' + (ovsPort || (iface.master ? `\n    ${bridgeSlaveLine(ns, iface, options.timers?.portForwardDelay ?? 0)}` : ''));
    case 'dummy':
      return '\n    dummy ';
    case 'ipip':
      // iproute2 link_iptnl.c for the fallback device: protocol any, no endpoints, ttl 0 (inherit), no PMTU discovery.
      return '\n    ipip any remote any local any ttl inherit nopmtudisc ';
    case 'wireguard':
      return '\n    wireguard ';
    case 'openvswitch':
      return '\n    openvswitch ';
    default:
      return '';
  }
}

/** Open vSwitch creates its VXLAN vports with zero UDP checksums accepted over IPv6 (net/openvswitch/vport-vxlan.c). */
function vxlanLine(v: NonNullable<NetInterface['vxlan']>, ovsVport: boolean): string {
  return (
    `vxlan ${v.external ? 'external ' : ''}id ${v.id} ${v.local ? `local ${v.local} ` : ''}${v.dev ? `dev ${v.dev} ` : ''}` +
    `srcport 0 0 dstport ${v.port} ${v.learning ? '' : 'nolearning '}ttl auto ageing ${v.ageing} ` +
    `udpcsum noudp6zerocsumtx ${ovsVport ? 'udp6zerocsumrx' : 'noudp6zerocsumrx'} `
  );
}

/** iproute2's print_timer: "%4i.%.2i". */
function timer(seconds: number): string {
  const centis = Math.round(seconds * 100);
  return `${String(Math.floor(centis / 100)).padStart(4)}.${String(centis % 100).padStart(2, '0')}`;
}

function bridgeId(mac: string): string {
  return `8000.${mac}`;
}

function bridgeLine(iface: NetInterface, gc: number): string {
  const id = bridgeId(iface.mac);
  return (
    'bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 ' +
    `vlan_filtering 0 bridge_id ${id} designated_root ${id} root_port 0 root_path_cost 0 topology_change 0 ` +
    `topology_change_detected 0 hello_timer ${timer(0)} tcn_timer ${timer(0)} topology_change_timer ${timer(0)} ` +
    `gc_timer ${timer(gc)} group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 ` +
    'mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 ' +
    'mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 ' +
    'mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 ' +
    'mcast_query_response_interval 1000 mcast_startup_query_interval 3124 mcast_stats_enabled 0 ' +
    'mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 '
  );
}

/** Ports are numbered in the order they joined the bridge, i.e. by ifindex. */
function bridgeSlaveLine(ns: NetNamespace, iface: NetInterface, forwardDelay: number): string {
  const bridge = ns.interfaces.find((other) => other.name === iface.master);
  const id = bridgeId(bridge ? bridge.mac : iface.mac);
  const portNo = ns.interfaces.filter((other) => other.master === iface.master && other.index <= iface.index).length;
  return (
    `bridge_slave state forwarding priority 32 cost 2 hairpin ${iface.hairpin ? 'on' : 'off'} guard off ` +
    'root_block off fastleave off learning on flood on ' +
    `port_id 0x${(0x8000 + portNo).toString(16)} port_no 0x${portNo.toString(16)} designated_port ${0x8000 + portNo} ` +
    `designated_cost 0 designated_bridge ${id} designated_root ${id} hold_timer ${timer(0)} ` +
    `message_age_timer ${timer(0)} forward_delay_timer ${timer(forwardDelay)} topology_change_ack 0 config_pending 0 ` +
    'proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on bcast_flood on ' +
    'mcast_to_unicast off neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off ' +
    'isolated off locked off '
  );
}
