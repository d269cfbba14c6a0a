/**
 * What one network namespace (a node's root netns or a pod's) looks like: the structures that
 * `ip a`, `ip route`, `ip neigh`, `bridge fdb` and their friends render. Derived from the lab
 * state on demand, never stored as events.
 */
export interface NetNamespace {
  interfaces: NetInterface[];
  routes: Route[];
  neighbours: Neighbour[];
  fdb: FdbEntry[];
}

export type InterfaceKind = 'loopback' | 'veth' | 'bridge' | 'vxlan' | 'ipip' | 'dummy' | 'wireguard' | 'openvswitch';

export interface InterfaceAddress {
  /** e.g. "10.244.1.1/24" */
  cidr: string;
  /** Broadcast address, printed as `brd X` (absent for /32 and loopback). */
  broadcast?: string;
  scope: 'global' | 'link' | 'host';
  /** The label printed at the end of the inet line (normally the interface name). */
  label?: string;
}

export interface NetInterface {
  index: number;
  name: string;
  kind: InterfaceKind;
  mac: string;
  mtu: number;
  /** Flags in the order ip prints them, e.g. ["BROADCAST","MULTICAST","UP","LOWER_UP"]. */
  flags: string[];
  qdisc: string;
  state: 'UP' | 'DOWN' | 'UNKNOWN';
  qlen?: number;
  /** Bridge this interface is enslaved to (`master cni0`). */
  master?: string;
  /** For veth: the peer's ifindex in the other namespace, printed as `name@ifN`. */
  peerIndex?: number;
  /** For veth/eth0 whose peer lives in another netns: printed as `link-netnsid N`. */
  linkNetnsId?: number;
  addresses: InterfaceAddress[];
  /** IPv6 addresses, printed after the IPv4 ones (absent when the netns has IPv6 disabled, as in docker containers). */
  addresses6?: Inet6Address[];
  /** Only for `kind: 'vxlan'`: what `ip -details link show` prints. */
  vxlan?: { id: number; local: string; dev: string; port: number; learning: boolean; ageing: number; external?: boolean };
  /** Bridge ports: `hairpin on|off` in `ip -details link show` (the bridge plugin's hairpinMode). */
  hairpin?: boolean;
  /** numtxqueues/numrxqueues (default 1; a veth gets one per CPU). */
  txQueues?: number;
  /** tso_max_size in `ip -d link` (524280 by default; cilium's devices inherit 65536). */
  tsoMaxSize?: number;
}

export interface Inet6Address {
  /** e.g. "fe80::cf2:50ff:fe7b:1af3/64" */
  cidr: string;
  scope: 'global' | 'link' | 'host';
  /** Printed after the scope, e.g. ["tentative"]. */
  flags?: string[];
}

export interface Route {
  /** "default" or a CIDR such as "10.244.2.0/24"; a /32 is printed without the prefix by ip. */
  dst: string;
  via?: string;
  dev: string;
  /** Omitted = boot (not printed); '80' is Felix's route protocol (calico VXLAN). */
  proto?: 'kernel' | 'bird' | 'static' | 'dhcp' | '80';
  scope?: 'link' | 'host';
  src?: string;
  metric?: number;
  onlink?: boolean;
  type?: 'unicast' | 'blackhole';
  linkdown?: boolean;
  /** Route metric `mtu N` (cilium's routes to remote pod CIDRs in tunnel mode). */
  mtu?: number;
}

export interface Neighbour {
  ip: string;
  dev: string;
  mac?: string;
  state: 'PERMANENT' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'INCOMPLETE' | 'NOARP';
  router?: boolean;
}

export interface FdbEntry {
  mac: string;
  dev: string;
  dst?: string;
  master?: string;
  self?: boolean;
  /** permanent | static | "" (learned, dynamic) */
  state: 'permanent' | 'static' | '';
}
