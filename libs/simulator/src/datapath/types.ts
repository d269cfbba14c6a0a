/** The tracer's request and result, as API.md's Traces section defines them. */

export type TraceProtocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP';

/** "ns/name" (a pod), "10.96.0.10" (an address), or an explicit object. */
export type TraceEndpointInput =
  | string
  | { pod: string }
  | { node: string }
  | { ip: string }
  | { service: string };

export interface TraceRequest {
  from: TraceEndpointInput;
  to: TraceEndpointInput;
  /** Required except for ICMP. */
  port?: number;
  protocol: TraceProtocol;
  /** IP packet size in bytes (default: 60 for a TCP SYN, 84 for a ping, 29 + 1 for UDP/SCTP). */
  size?: number;
  /** Initial TTL (default 64): traceroute sends small ones. */
  ttl?: number;
}

/** A neighbour resolved by an earlier trace, and when (simulated ms): the lab's ARP caches. */
export interface LearnedNeighbour {
  /** "pod ns/name", "node <name>" or "router <name>": whose cache. */
  cache: string;
  ip: string;
  at: number;
}

export interface TraceOptions {
  /** Simulated time of the trace (default: the lab's time). */
  now?: number;
  /** Neighbours earlier traces resolved (from TraceResult.learned); fresh ones skip ARP. */
  neighbours?: readonly LearnedNeighbour[];
}

/** 'ebpf': cilium's programs deciding (kube-proxy replacement's service load balancing). */
export type HopLayer = 'L2' | 'L3' | 'L4' | 'policy' | 'iptables' | 'encap' | 'ebpf';

export interface PacketView {
  l2?: { src: string; dst: string; type?: 'IPv4' | 'ARP' };
  l3: { src: string; dst: string; ttl: number; protocol: TraceProtocol | 'ESP'; length: number };
  l4?: { srcPort?: number; dstPort?: number; flags?: string };
  outer?: OuterHeader;
  /** An encrypted hop: what the wire shows is the outer header only; the inner packet is not readable. */
  encrypted?: { by: 'WireGuard' | 'IPsec ESP' | 'NaCl'; device: string | null; readable: false };
}

/** The overlay's outer IP header: VXLAN/sleeve in UDP, IPIP (IP protocol 4), or an encrypted ESP/WireGuard packet. */
export interface OuterHeader {
  src: string;
  dst: string;
  protocol: 'UDP' | 'IPIP' | 'ESP';
  srcPort?: number;
  dstPort?: number;
  vni?: number;
}

export interface Hop {
  index: number;
  node: string;
  /** "pod ns/name" | "node" | "router name" | "internet". */
  netns: string;
  device: string;
  layer: HopLayer;
  action: string;
  summary: string;
  packet: PacketView;
  rule?: string;
  causedBy?: number;
}

/** A rule (or, without `rule`, a built-in chain's policy) a traced packet matched: `iptables -vnL` counts it. */
export interface TracedRule {
  node: string;
  table: 'mangle' | 'raw' | 'filter' | 'nat';
  chain: string;
  /** The rule as `iptables -S` prints it after the chain name (saveRuleSpec). */
  rule?: string;
  bytes: number;
}

export type TraceVerdict = 'delivered' | 'refused' | 'dropped' | 'unreachable';

export interface TraceResult {
  verdict: TraceVerdict;
  reason: string;
  explanation: string;
  /** For `unreachable`: what connect() fails with (Network is unreachable / No route to host). */
  errno?: 'ENETUNREACH' | 'EHOSTUNREACH';
  /** The request's hops, then (TCP, delivered) the SYN-ACK's way back. */
  hops: Hop[];
  /** TTL of the request when it reached the destination (absent when it did not). */
  deliveredTtl?: number;
  /** Addresses that answer a TTL-exceeded probe, in order (traceroute's lines), ending with the destination. */
  routeAddresses: string[];
  /** Every iptables rule the request matched, node by node, in order (for the nodes' counters). */
  traversed: TracedRule[];
  /** Neighbours this trace resolved by ARP: append them to TraceOptions.neighbours of later traces. */
  learned: LearnedNeighbour[];
}
