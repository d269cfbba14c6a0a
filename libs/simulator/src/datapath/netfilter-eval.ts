/**
 * One packet through a netfilter chain as the kernel walks it: rules in order, a rule matches when
 * its addresses, interfaces, protocol and every match agree; jumps descend, RETURN and the end of a
 * user chain come back, a built-in chain ends in its policy. Every rule that matched is reported
 * (the kernel counts exactly those), and the first terminating target decides.
 */
import type { Chain, ConntrackState, Match, Rule, TableName } from '../iptables';

/** Where the evaluator finds a chain: a node's tables, or a view of the rules one packet can meet. */
export type ChainSource = (table: TableName, chain: string) => Chain | undefined;

export interface FilterPacket {
  src: number;
  dst: number;
  protocol: 'tcp' | 'udp' | 'sctp' | 'icmp';
  srcPort?: number;
  dstPort?: number;
  inInterface?: string;
  outInterface?: string;
  mark: number;
  ctstates: readonly ConntrackState[];
  /** addrtype LOCAL: an address of the node itself. */
  isLocal: (ip: number) => boolean;
  /** A bridged frame (br_netfilter): the bridge ports it came in and goes out of (physdev). */
  physIn?: string;
  physOut?: string;
  /** ipset membership (set match); without it every set is empty. */
  inSet?: (name: string, ip: number) => boolean;
}

/** A rule (index ≥ 0) or a built-in chain's policy (index -1) the packet went through. */
export interface MatchedRule {
  table: TableName;
  chain: string;
  index: number;
  rule?: Rule;
}

export type ChainVerdict =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'REJECT'; rejectWith: string }
  | { kind: 'DNAT'; ip: string; port?: number }
  | { kind: 'SNAT'; ip: string }
  | { kind: 'MASQUERADE' };

export interface ChainResult {
  verdict: ChainVerdict;
  /** The rule whose target decided (absent when a policy did). */
  decidedBy?: MatchedRule;
  matched: MatchedRule[];
  mark: number;
}

const MAX_DEPTH = 64;

/**
 * A deterministic stand-in for the kernel's get_random_u32() per statistic match: the flow's hash
 * seeds it, so one flow always takes the same branches (what conntrack pins after the first packet).
 */
export function flowDraws(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0x7fffffff;
  };
}

function interfaceMatches(match: { name: string; invert: boolean } | undefined, name: string | undefined): boolean {
  if (!match) return true;
  const pattern = match.name;
  const hit = name !== undefined && (pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
  return hit !== match.invert;
}

function addressMatches(match: Rule['source'], ip: number): boolean {
  if (!match) return true;
  const mask = match.prefix === 0 ? 0 : (0xffffffff << (32 - match.prefix)) >>> 0;
  return (((ip & mask) >>> 0) === match.address) !== match.invert;
}

function inRange(range: { from: number; to: number } | undefined, invert: boolean | undefined, port: number | undefined): boolean {
  if (!range) return true;
  const hit = port !== undefined && port >= range.from && port <= range.to;
  return hit !== (invert ?? false);
}

function typeMatches(type: string | undefined, ip: number, packet: FilterPacket): boolean {
  if (type === undefined) return true;
  const invert = type.startsWith('!');
  const name = (invert ? type.slice(1) : type).toUpperCase();
  // HopLab's nodes only tell LOCAL addresses apart; UNICAST is any other address here.
  const hit = name === 'LOCAL' ? packet.isLocal(ip) : name === 'UNICAST' ? !packet.isLocal(ip) : false;
  return hit !== invert;
}

function matchHolds(match: Match, packet: FilterPacket, mark: number, draw: () => number): boolean {
  switch (match.kind) {
    case 'comment':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp':
      return packet.protocol === match.kind && inRange(match.dport, match.dportInvert, packet.dstPort) && inRange(match.sport, match.sportInvert, packet.srcPort);
    case 'statistic':
      return draw() < match.probability;
    case 'mark':
      return (((mark & match.mask) >>> 0) === match.mark) !== match.invert;
    case 'addrtype':
      return typeMatches(match.srcType, packet.src, packet) && typeMatches(match.dstType, packet.dst, packet);
    case 'conntrack':
    case 'state':
      return match.states.some((state) => packet.ctstates.includes(state)) !== match.invert;
    case 'set': {
      const ip = match.flags[0] === 'src' ? packet.src : packet.dst;
      return (packet.inSet?.(match.name, ip) ?? false) !== match.invert;
    }
    case 'physdev':
      return (
        (!match.isBridged || packet.physOut !== undefined) &&
        (!match.in || (packet.physIn !== undefined && interfaceMatches(match.in, packet.physIn))) &&
        (!match.out || (packet.physOut !== undefined && interfaceMatches(match.out, packet.physOut)))
      );
    case 'recent':
      // A first packet has no recent entry to check; --set always matches.
      return match.mode === 'set';
  }
}

function ruleMatches(rule: Rule, packet: FilterPacket, mark: number, draw: () => number): boolean {
  if (!addressMatches(rule.destination, packet.dst) || !addressMatches(rule.source, packet.src)) return false;
  if (rule.protocol && rule.protocol.name !== 'all' && (rule.protocol.name === packet.protocol) === rule.protocol.invert) return false;
  if (!interfaceMatches(rule.inInterface, packet.inInterface) || !interfaceMatches(rule.outInterface, packet.outInterface)) return false;
  for (const match of rule.matches) if (!matchHolds(match, packet, mark, draw)) return false;
  return true;
}

function dnatTarget(text: string): { ip: string; port?: number } {
  const colon = text.indexOf(':');
  return colon < 0 ? { ip: text } : { ip: text.slice(0, colon), port: Number(text.slice(colon + 1).split('-')[0]) };
}

type Walked = { verdict: ChainVerdict; decidedBy?: MatchedRule } | 'return';

/** Runs `packet` through built-in chain `chain` of `table`. The packet's mark is copied, not changed. */
export function runChain(source: ChainSource, table: TableName, chain: string, packet: FilterPacket, draw: () => number): ChainResult {
  const matched: MatchedRule[] = [];
  let mark = packet.mark;
  const walk = (name: string, depth: number): Walked => {
    const current = source(table, name);
    if (!current || depth > MAX_DEPTH) return 'return';
    for (let index = 0; index < current.rules.length; index++) {
      const rule = current.rules[index];
      if (!ruleMatches(rule, packet, mark, draw)) continue;
      const here: MatchedRule = { table, chain: name, index, rule };
      matched.push(here);
      const target = rule.target;
      if (!target) continue;
      switch (target.kind) {
        case 'jump': {
          const inner = walk(target.chain, depth + 1);
          if (inner !== 'return') return inner;
          continue;
        }
        case 'MARK':
          mark = ((mark & ~target.mask) ^ target.value) >>> 0;
          continue;
        case 'NFLOG':
          continue;
        case 'verdict':
          if (target.verdict === 'RETURN') return 'return';
          return { verdict: { kind: target.verdict }, decidedBy: here };
        case 'REJECT':
          return { verdict: { kind: 'REJECT', rejectWith: target.rejectWith }, decidedBy: here };
        case 'DNAT':
          return { verdict: { kind: 'DNAT', ...dnatTarget(target.toDestination) }, decidedBy: here };
        case 'SNAT':
          return { verdict: { kind: 'SNAT', ip: dnatTarget(target.toSource).ip }, decidedBy: here };
        case 'MASQUERADE':
          return { verdict: { kind: 'MASQUERADE' }, decidedBy: here };
      }
    }
    return 'return';
  };
  const outcome = walk(chain, 0);
  if (outcome !== 'return') return { ...outcome, matched, mark };
  const builtin = source(table, chain);
  if (builtin?.policy !== undefined) matched.push({ table, chain, index: -1 });
  return { verdict: { kind: builtin?.policy === 'DROP' ? 'DROP' : 'ACCEPT' }, matched, mark };
}
