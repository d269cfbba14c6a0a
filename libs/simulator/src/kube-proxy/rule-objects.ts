import { probabilityToKernel } from '../iptables';
import type { AddressMatch, Match, Rule, Target } from '../iptables';

/**
 * kube-proxy's rules as the kernel keeps them (what iptables-restore would make of its text),
 * built directly: parsing hundreds of thousands of restore lines is what made large syncs slow.
 */
export const MASQUERADE_MARK_VALUE = 0x4000;

export interface RuleParts {
  source?: string;
  sourceInvert?: boolean;
  destination?: string;
  protocol?: string;
  matches?: Match[];
  target?: Target;
}

/** "a.b.c.d" or "a.b.c.d/len" from kube-proxy's own well-formed input, masked as the kernel keeps it (no regex: 100,000+ per sync). */
export function address(text: string, invert = false): AddressMatch {
  let value = 0;
  let octet = 0;
  let prefix = 32;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else if (c === 47) {
      prefix = Number(text.slice(i + 1));
      break;
    } else octet = octet * 10 + (c - 48);
  }
  value = value * 256 + octet;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { address: (value & mask) >>> 0, prefix, invert };
}

/**
 * Counters of a rule as built: shared, never changed in place (`-Z` and counted packets give a rule
 * new counters), so hundreds of thousands of rules do not each carry an object.
 */
const ZERO = { packets: 0, bytes: 0 };
const NO_MATCHES: Match[] = [];
const protocols = new Map<string, NonNullable<Rule['protocol']>>();
/** `-p tcp` and the like: one object per protocol for every rule. */
function protocolMatch(name: string): NonNullable<Rule['protocol']> {
  let match = protocols.get(name);
  if (!match) protocols.set(name, (match = { name: name as NonNullable<Rule['protocol']>['name'], invert: false }));
  return match;
}

/** A rule with zero counters; rules, matches and targets may be shared between syncs and nodes: never change them in place. */
export function rule(parts: RuleParts): Rule {
  const built: Rule = { matches: parts.matches ?? NO_MATCHES, counters: ZERO };
  if (parts.source !== undefined) built.source = address(parts.source, parts.sourceInvert ?? false);
  if (parts.destination !== undefined) built.destination = address(parts.destination, false);
  if (parts.protocol !== undefined) built.protocol = protocolMatch(parts.protocol);
  if (parts.target !== undefined) built.target = parts.target;
  return built;
}

/**
 * The three rules every endpoint has (SVC->SEP jump, SEP masquerade, SEP DNAT), as `rule` makes them
 * (same fields, same order) but each in one literal: 300,000 of them in a 100,000-endpoint build.
 */
export const targetRule = (matches: Match[] | undefined, target: Target): Rule => ({ matches: matches ?? NO_MATCHES, counters: ZERO, target });
export const sourceRule = (source: string, matches: Match[], target: Target): Rule => ({ matches, counters: ZERO, source: address(source, false), target });
export const protocolRule = (protocol: string, matches: Match[], target: Target): Rule => ({ matches, counters: ZERO, protocol: protocolMatch(protocol), target });

/** `! -s <clusterCIDR>` of every internal chain's masquerade rule: one object per CIDR. */
const clusterCIDRAddresses = new Map<string, AddressMatch>();
export function clusterCIDRAddress(cidr: string): AddressMatch {
  let match = clusterCIDRAddresses.get(cidr);
  if (!match) clusterCIDRAddresses.set(cidr, (match = address(cidr, true)));
  return match;
}
/** A ClusterIP's jump (or an LB IP's) as `rule` makes it, from an address object it may share. */
export const destinationRule = (destination: AddressMatch, protocol: string, matches: Match[], target: Target): Rule => ({
  matches, counters: ZERO, destination, protocol: protocolMatch(protocol), target,
});
/** The internal chain's first rule, `! -s clusterCIDR -d clusterIP ... -j KUBE-MARK-MASQ`, as `rule` makes it. */
export const masqueradeRule = (source: AddressMatch, destination: AddressMatch, protocol: string, matches: Match[]): Rule => ({
  matches, counters: ZERO, source, destination, protocol: protocolMatch(protocol), target: MARK_MASQ,
});

export const comment = (text: string): Match => ({ kind: 'comment', comment: text });
const portMatches = new Map<string, Match>();
/** `-m <protocol> [--dport n]`: one object per protocol and port, shared by every Service using it. */
export const portMatch = (protocol: string, dport?: number): Match => {
  const key = dport === undefined ? protocol : `${protocol}${dport}`;
  let match = portMatches.get(key);
  if (!match) {
    match = dport === undefined ? ({ kind: protocol } as Match) : ({ kind: protocol, dport: { from: dport, to: dport } } as Match);
    portMatches.set(key, match);
  }
  return match;
};
const statistics = new Map<string, Match>();
/** One match object per probability text: an SVC chain of n endpoints has n-1 of them. */
export const statistic = (probability: string): Match => {
  let match = statistics.get(probability);
  if (!match) statistics.set(probability, (match = { kind: 'statistic', probability: probabilityToKernel(Number(probability)) }));
  return match;
};
const statisticLists = new Map<string, Match[]>();
/** `[-m statistic --probability p]` as a rule's whole match list, shared by every rule with that p. */
export function statisticOnly(probabilityText: string): Match[] {
  let list = statisticLists.get(probabilityText);
  if (!list) statisticLists.set(probabilityText, (list = [statistic(probabilityText)]));
  return list;
}
export const addrtype = (side: 'src' | 'dst', type: string): Match => (side === 'src' ? { kind: 'addrtype', srcType: type } : { kind: 'addrtype', dstType: type });
export const recentCheck = (name: string, seconds: number): Match => ({ kind: 'recent', name, mode: 'rcheck', seconds, reap: true });
export const recentSet = (name: string): Match => ({ kind: 'recent', name, mode: 'set', reap: false });
export const conntrack = (states: string[], invert = false): Match => ({ kind: 'conntrack', states: states as never, invert });
export const markMatch = (invert: boolean): Match => ({ kind: 'mark', mark: MASQUERADE_MARK_VALUE, mask: MASQUERADE_MARK_VALUE, invert });

export const jump = (chain: string): Target => ({ kind: 'jump', chain });
/** Shared by every masquerade jump (rules and their parts are never changed in place). */
export const MARK_MASQ = jump('KUBE-MARK-MASQ');
export const verdict = (name: 'ACCEPT' | 'DROP' | 'RETURN'): Target => ({ kind: 'verdict', verdict: name });
export const reject = (): Target => ({ kind: 'REJECT', rejectWith: 'icmp-port-unreachable' });
/** A filter target kube-proxy writes by name: REJECT or DROP. */
export const filterTarget = (name: 'REJECT' | 'DROP'): Target => (name === 'REJECT' ? reject() : verdict('DROP'));
export const dnat = (destination: string): Target => ({ kind: 'DNAT', toDestination: destination });
/** `--or-mark 0x4000` as MARK revision 2 keeps it. */
export const orMark = (): Target => ({ kind: 'MARK', value: MASQUERADE_MARK_VALUE, mask: MASQUERADE_MARK_VALUE });
/** `--xor-mark 0x4000`. */
export const xorMark = (): Target => ({ kind: 'MARK', value: MASQUERADE_MARK_VALUE, mask: 0 });
export const masquerade = (): Target => ({ kind: 'MASQUERADE', randomFully: true });
