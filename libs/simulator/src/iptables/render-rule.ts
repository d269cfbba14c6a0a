import { formatIPv4 } from './ipv4';
import { formatKernelProbability } from './probability';
import { addressName, serviceName } from './services';
import type { AddressMatch, InterfaceMatch, Match, PortRange, Rule, Target } from './types';

/** xtables_save_string: bare if every character is in [A-Za-z0-9_-], else double-quoted with " \ ' escaped. */
export function saveString(text: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(text)) return text;
  return `"${text.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

function saveAddress(flag: string, match: AddressMatch | undefined): string {
  if (!match) return '';
  return `${match.invert ? ' !' : ''} ${flag} ${formatIPv4(match.address)}/${match.prefix}`;
}

function savePorts(range: PortRange): string {
  return range.from === range.to ? `${range.from}` : `${range.from}:${range.to}`;
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function markText(mark: number, mask: number): string {
  return mask === 0xffffffff ? hex(mark) : `${hex(mark)}/${hex(mask)}`;
}

function saveMatch(match: Match): string {
  switch (match.kind) {
    case 'comment':
      return ` -m comment --comment ${saveString(match.comment)}`;
    case 'tcp': case 'udp': case 'sctp': {
      let text = ` -m ${match.kind}`;
      if (match.sport) text += `${match.sportInvert ? ' !' : ''} --sport ${savePorts(match.sport)}`;
      if (match.dport) text += `${match.dportInvert ? ' !' : ''} --dport ${savePorts(match.dport)}`;
      return text;
    }
    case 'statistic':
      return ` -m statistic --mode random --probability ${formatKernelProbability(match.probability)}`;
    case 'mark':
      return ` -m mark${match.invert ? ' !' : ''} --mark ${markText(match.mark, match.mask)}`;
    case 'addrtype':
      return ` -m addrtype${match.srcType ? ` --src-type ${match.srcType}` : ''}${match.dstType ? ` --dst-type ${match.dstType}` : ''}`;
    case 'conntrack':
      return ` -m conntrack${match.invert ? ' !' : ''} --ctstate ${match.states.join(',')}`;
    case 'state':
      return ` -m state${match.invert ? ' !' : ''} --state ${match.states.join(',')}`;
    case 'set':
      return ` -m set${match.invert ? ' !' : ''} --match-set ${match.name} ${match.flags.join(',')}`;
    case 'physdev': {
      const port = (flag: string, m: InterfaceMatch | undefined) => (m ? `${m.invert ? ' !' : ''} ${flag} ${m.name}` : '');
      return ` -m physdev${port('--physdev-in', match.in)}${port('--physdev-out', match.out)}${match.isBridged ? ' --physdev-is-bridged' : ''}`;
    }
    case 'recent': {
      const mode = match.mode === 'set' ? ' --set' : ` --rcheck${match.seconds !== undefined ? ` --seconds ${match.seconds}` : ''}${match.reap ? ' --reap' : ''}`;
      return ` -m recent${mode} --name ${match.name} --mask 255.255.255.255 --rsource`;
    }
  }
}

export function targetName(target: Target | undefined): string {
  if (!target) return '';
  switch (target.kind) {
    case 'verdict': return target.verdict;
    case 'jump': return target.chain;
    default: return target.kind;
  }
}

function saveTarget(target: Target | undefined): string {
  if (!target) return '';
  switch (target.kind) {
    case 'REJECT': return ` -j REJECT --reject-with ${target.rejectWith}`;
    case 'DNAT': return ` -j DNAT --to-destination ${target.toDestination}`;
    case 'SNAT': return ` -j SNAT --to-source ${target.toSource}`;
    case 'MASQUERADE': return ` -j MASQUERADE${target.randomFully ? ' --random-fully' : ''}`;
    case 'MARK': return ` -j MARK --set-xmark ${hex(target.value)}/${hex(target.mask)}`;
    case 'NFLOG': return ` -j NFLOG${target.group !== 0 ? ` --nflog-group ${target.group}` : ''}`;
    default: return ` -j ${targetName(target)}`;
  }
}

/** Rules are not changed in place (only their counters, not part of the text): kube-proxy's shared rules render once. */
const savedSpecs = new WeakMap<Rule, string>();

/** The rule as iptables-save and iptables -S print it, without the leading `-A CHAIN`. */
export function saveRuleSpec(rule: Rule): string {
  let text = savedSpecs.get(rule);
  if (text === undefined) {
    text = renderRuleSpec(rule);
    savedSpecs.set(rule, text);
  }
  return text;
}

function renderRuleSpec(rule: Rule): string {
  let text = saveAddress('-s', rule.source) + saveAddress('-d', rule.destination);
  if (rule.inInterface) text += `${rule.inInterface.invert ? ' !' : ''} -i ${rule.inInterface.name}`;
  if (rule.outInterface) text += `${rule.outInterface.invert ? ' !' : ''} -o ${rule.outInterface.name}`;
  if (rule.protocol && rule.protocol.name !== 'all') text += `${rule.protocol.invert ? ' !' : ''} -p ${rule.protocol.name}`;
  for (const match of rule.matches) text += saveMatch(match);
  return text + saveTarget(rule.target);
}

// ---- iptables -L rendering -------------------------------------------------------------------

function listPorts(label: string, range: PortRange, invert: boolean, protocol: string, numeric: boolean): string {
  const name = (port: number) => (numeric ? `${port}` : (serviceName(port, protocol) ?? `${port}`));
  const bang = invert ? '!' : '';
  if (range.from === range.to) return ` ${label}:${bang}${name(range.from)}`;
  return ` ${label}s:${bang}${name(range.from)}:${name(range.to)}`;
}

function listMatch(match: Match, numeric: boolean): string {
  switch (match.kind) {
    case 'comment':
      return ` /* ${match.comment} */`;
    case 'tcp': case 'udp': case 'sctp': {
      let text = ` ${match.kind}`;
      if (match.sport) text += listPorts('spt', match.sport, !!match.sportInvert, match.kind, numeric);
      if (match.dport) text += listPorts('dpt', match.dport, !!match.dportInvert, match.kind, numeric);
      return text;
    }
    case 'statistic':
      return ` statistic mode random probability ${formatKernelProbability(match.probability)}`;
    case 'mark':
      return ` mark match${match.invert ? ' !' : ''} ${markText(match.mark, match.mask)}`;
    case 'addrtype':
      return ` ADDRTYPE match${match.srcType ? ` src-type ${match.srcType}` : ''}${match.dstType ? ` dst-type ${match.dstType}` : ''}`;
    case 'conntrack':
      return `${match.invert ? ' !' : ''} ctstate ${match.states.join(',')}`;
    case 'state':
      return ` state${match.invert ? ' !' : ''} ${match.states.join(',')}`;
    case 'set':
      return `${match.invert ? ' !' : ''} match-set ${match.name} ${match.flags.join(',')}`;
    case 'physdev': {
      const port = (flag: string, m: InterfaceMatch | undefined) => (m ? `${m.invert ? ' !' : ''} ${flag} ${m.name}` : '');
      return ` PHYSDEV match${port('--physdev-in', match.in)}${port('--physdev-out', match.out)}${match.isBridged ? ' --physdev-is-bridged' : ''}`;
    }
    case 'recent': {
      const mode = match.mode === 'set' ? ' SET' : ` CHECK${match.seconds !== undefined ? ` seconds: ${match.seconds}` : ''}${match.reap ? ' reap' : ''}`;
      return ` recent:${mode} name: ${match.name} side: source mask: 255.255.255.255`;
    }
  }
}

function listTarget(target: Target | undefined): string {
  if (!target) return '';
  switch (target.kind) {
    case 'REJECT': return ` reject-with ${target.rejectWith}`;
    case 'DNAT': return ` to:${target.toDestination}`;
    case 'SNAT': return ` to:${target.toSource}`;
    case 'MASQUERADE': return target.randomFully ? ' random-fully' : '';
    case 'NFLOG': return target.group !== 0 ? ` nflog-group ${target.group}` : '';
    case 'MARK': {
      const { value, mask } = target;
      if (value === 0) return ` MARK and ${hex(~mask >>> 0)}`;
      if (value === mask) return ` MARK or ${hex(value)}`;
      if (mask === 0) return ` MARK xor ${hex(value)}`;
      if (mask === 0xffffffff) return ` MARK set ${hex(value)}`;
      return ` MARK xset ${hex(value)}/${hex(mask)}`;
    }
    default: return '';
  }
}

/** iptables 1.8.9 prints protocol numbers with -n (a regression fixed in 1.8.10; Debian 12 ships 1.8.9). */
const PROTOCOL_NUMBERS: Record<string, string> = { all: '0', tcp: '6', udp: '17', icmp: '1', sctp: '132' };

function listAddress(match: AddressMatch | undefined, numeric: boolean): string {
  if (!match || (match.prefix === 0 && !match.invert)) return ` ${numeric ? '0.0.0.0/0' : 'anywhere'}`.padEnd(20) + ' ';
  const address = formatIPv4(match.address);
  const shown = numeric ? address : addressName(address, match.prefix);
  const text = match.prefix === 32 ? shown : `${shown}/${match.prefix}`;
  return `${match.invert ? '!' : ' '}${text.padEnd(19)} `;
}

export interface RuleListFormat {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumber?: number;
}

/** xtables_print_num: %5llu, then K/M/G/T with (n+500)/1000 rounding, or %8llu with -x. */
export function formatCount(value: number, exact: boolean): string {
  if (exact) return `${value}`.padStart(8) + ' ';
  if (value <= 99999) return `${value}`.padStart(5) + ' ';
  let scaled = value;
  for (const unit of ['K', 'M', 'G']) {
    scaled = Math.floor((scaled + 500) / 1000);
    if (scaled <= 9999) return `${scaled}`.padStart(4) + `${unit} `;
  }
  scaled = Math.floor((scaled + 500) / 1000);
  return `${scaled}`.padStart(4) + 'T ';
}

/** One rule line of iptables -L, as print_rule_details and the ipv4 printers write it. */
export function listRule(rule: Rule, format: RuleListFormat): string {
  let line = format.lineNumber !== undefined ? `${format.lineNumber}`.padEnd(4) + ' ' : '';
  if (format.verbose) line += formatCount(rule.counters.packets, format.exact) + formatCount(rule.counters.bytes, format.exact);
  return line + listRuleBody(rule, format);
}

/**
 * What `-L` prints of a rule after its counters, per rule object and format (-n, -v): kube-proxy's
 * rules are shared between syncs and nodes, so a listing of 300,000 rules is mostly looked up.
 */
const listedBodies = new WeakMap<Rule, (string | undefined)[]>();

function listRuleBody(rule: Rule, format: RuleListFormat): string {
  const slot = (format.numeric ? 1 : 0) + (format.verbose ? 2 : 0);
  let bodies = listedBodies.get(rule);
  const known = bodies?.[slot];
  if (known !== undefined) return known;
  let line = targetName(rule.target).padEnd(9) + ' ';
  const protocol = rule.protocol?.name ?? 'all';
  line += (rule.protocol?.invert ? '!' : ' ') + (format.numeric ? PROTOCOL_NUMBERS[protocol] : protocol).padEnd(5);
  line += '-- ';
  if (format.verbose) {
    const iface = (m: { name: string; invert: boolean } | undefined) => (m ? `${m.invert ? '!' : ''}${m.name}` : format.numeric ? '*' : 'any');
    line += ` ${iface(rule.inInterface).padEnd(6)} ${iface(rule.outInterface).padEnd(6)} `;
  }
  line += listAddress(rule.source, format.numeric) + listAddress(rule.destination, format.numeric);
  for (const match of rule.matches) line += listMatch(match, format.numeric);
  line += listTarget(rule.target);
  if (!bodies) listedBodies.set(rule, (bodies = []));
  bodies[slot] = line;
  return line;
}
