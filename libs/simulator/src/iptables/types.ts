/** The netfilter tables HopLab models, in the order iptables-nft 1.8.9 prints them. */
export const TABLE_NAMES = ['mangle', 'raw', 'filter', 'nat'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export const BUILTIN_CHAINS: Record<TableName, readonly string[]> = {
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

export type Policy = 'ACCEPT' | 'DROP';

export interface Counters {
  packets: number;
  bytes: number;
}

/** An IPv4 address match, address already masked as the kernel stores it. */
export interface AddressMatch {
  address: number;
  prefix: number;
  invert: boolean;
}

export interface InterfaceMatch {
  name: string;
  invert: boolean;
}

export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'sctp';

export interface PortRange {
  from: number;
  to: number;
}

export type ConntrackState = 'INVALID' | 'NEW' | 'RELATED' | 'ESTABLISHED' | 'UNTRACKED' | 'SNAT' | 'DNAT';

export type Match =
  | { kind: 'comment'; comment: string }
  | {
      kind: 'tcp' | 'udp' | 'sctp';
      sport?: PortRange;
      sportInvert?: boolean;
      dport?: PortRange;
      dportInvert?: boolean;
    }
  /** probability as the kernel keeps it: round(p * 2^31). */
  | { kind: 'statistic'; probability: number }
  | { kind: 'mark'; mark: number; mask: number; invert: boolean }
  | { kind: 'addrtype'; srcType?: string; dstType?: string }
  | { kind: 'conntrack'; states: ConntrackState[]; invert: boolean }
  | { kind: 'recent'; name: string; mode: 'set' | 'rcheck'; seconds?: number; reap: boolean }
  /** ipset membership of the packet's source or destination (`--match-set NAME src|dst`). */
  | { kind: 'set'; name: string; flags: ('src' | 'dst')[]; invert: boolean }
  /** br_netfilter's bridge ports of a bridged frame. */
  | { kind: 'physdev'; in?: InterfaceMatch; out?: InterfaceMatch; isBridged?: boolean }
  /** The legacy state match (conntrack states by another name). */
  | { kind: 'state'; states: ConntrackState[]; invert: boolean };

export type Target =
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { kind: 'jump'; chain: string }
  | { kind: 'REJECT'; rejectWith: string }
  | { kind: 'DNAT'; toDestination: string }
  | { kind: 'SNAT'; toSource: string }
  | { kind: 'MASQUERADE'; randomFully: boolean }
  /** MARK revision 2: the packet mark becomes (mark & ~mask) ^ value. */
  | { kind: 'MARK'; value: number; mask: number }
  /** Logs to an nflog group (weave-npc's dropped-packet log); the packet goes on. */
  | { kind: 'NFLOG'; group: number };

export interface Rule {
  source?: AddressMatch;
  destination?: AddressMatch;
  inInterface?: InterfaceMatch;
  outInterface?: InterfaceMatch;
  protocol?: { name: Protocol; invert: boolean };
  matches: Match[];
  target?: Target;
  counters: Counters;
}

export interface Chain {
  name: string;
  /** Built-in chains have a policy; user chains do not. */
  policy?: Policy;
  policyCounters: Counters;
  rules: Rule[];
}

export interface Table {
  name: TableName;
  /** iptables-nft only saves tables that exist in the kernel; a table comes into being on its first change. */
  exists: boolean;
  chains: Map<string, Chain>;
}

export type Netfilter = Record<TableName, Table>;
