import { badArgument, usage } from './errors';
import { parseIPv4Network } from './ipv4';
import { probabilityToKernel } from './probability';
import { TABLE_NAMES } from './types';
import type { ConntrackState, Match, PortRange, Protocol, Rule, TableName, Target } from './types';

export interface ListOptions {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

export type IptablesCommand =
  | { op: 'append'; table: TableName; chain: string; rule: Rule }
  | { op: 'insert'; table: TableName; chain: string; position: number; rule: Rule }
  | { op: 'delete'; table: TableName; chain: string; position?: number; rule?: Rule }
  | { op: 'flush' | 'delete-chain' | 'zero'; table: TableName; chain?: string }
  | { op: 'new-chain'; table: TableName; chain: string }
  | { op: 'policy'; table: TableName; chain: string; policy: string }
  | { op: 'list'; table: TableName; chain?: string; options: ListOptions }
  | { op: 'list-rules'; table: TableName; chain?: string };

type Op = IptablesCommand['op'];

const COMMAND_FLAGS: Record<string, { op: Op; letter: string }> = {
  '-A': { op: 'append', letter: 'A' }, '--append': { op: 'append', letter: 'A' },
  '-I': { op: 'insert', letter: 'I' }, '--insert': { op: 'insert', letter: 'I' },
  '-D': { op: 'delete', letter: 'D' }, '--delete': { op: 'delete', letter: 'D' },
  '-F': { op: 'flush', letter: 'F' }, '--flush': { op: 'flush', letter: 'F' },
  '-X': { op: 'delete-chain', letter: 'X' }, '--delete-chain': { op: 'delete-chain', letter: 'X' },
  '-Z': { op: 'zero', letter: 'Z' }, '--zero': { op: 'zero', letter: 'Z' },
  '-N': { op: 'new-chain', letter: 'N' }, '--new-chain': { op: 'new-chain', letter: 'N' },
  '-P': { op: 'policy', letter: 'P' }, '--policy': { op: 'policy', letter: 'P' },
  '-L': { op: 'list', letter: 'L' }, '--list': { op: 'list', letter: 'L' },
  '-S': { op: 'list-rules', letter: 'S' }, '--list-rules': { op: 'list-rules', letter: 'S' },
};

/** Ops whose chain argument is optional (iptables takes the next word only if it is not an option). */
const OPTIONAL_CHAIN: ReadonlySet<Op> = new Set(['flush', 'delete-chain', 'zero', 'list', 'list-rules']);

const PROTOCOLS: Record<string, Protocol> = {
  all: 'all', '0': 'all', tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', sctp: 'sctp', '132': 'sctp',
};

const CT_STATES: readonly ConntrackState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

/** The list of -m conntrack --ctstate or -m state --state (NEW,established…), in iptables' order; an unknown state is a usage error. */
function conntrackStates(list: string, option: 'ctstate' | 'state'): ConntrackState[] {
  const states = list.split(',').map((s) => s.toUpperCase());
  for (const state of states) if (!(CT_STATES as readonly string[]).includes(state)) usage(`Bad ${option} "${state}"`);
  return CT_STATES.filter((s) => states.includes(s));
}

const REJECT_TYPES: Record<string, string> = {
  'icmp-net-unreachable': 'icmp-net-unreachable', 'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable', 'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable', 'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable', 'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited', 'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited', 'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited', 'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};

const ADDRTYPES = new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']);

const KNOWN_MATCHES = new Set(['comment', 'tcp', 'udp', 'sctp', 'statistic', 'mark', 'addrtype', 'conntrack', 'recent', 'set', 'physdev', 'state']);

type PortMatch = Extract<Match, { kind: 'tcp' | 'udp' | 'sctp' }>;

/**
 * Parses an iptables argument vector (without the program name), the way iptables 1.8.9 does:
 * options in any order, `!` before the option it negates, match options belonging to the last
 * loaded match that knows them, `--dport` loading the protocol's match implicitly.
 * Throws ParseError with iptables' own wording on bad input.
 */
export function parseIptablesArgs(args: readonly string[], defaultTable: TableName = 'filter'): IptablesCommand {
  return new ArgParser(args.flatMap(splitShortOptions), defaultTable).parse();
}

/** Short options that take an argument: getopt reads the rest of a bundled word as that argument. */
const SHORT_WITH_ARGUMENT = new Set('tAIDNPsdiopmjg');

/** getopt bundling: `-vnL` is `-v -n -L`, `-tnat` is `-t nat`. */
function splitShortOptions(arg: string): string[] {
  if (arg.length <= 2 || arg[0] !== '-' || arg[1] === '-') return [arg];
  const words: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    words.push(`-${arg[i]}`);
    if (SHORT_WITH_ARGUMENT.has(arg[i])) {
      if (i + 1 < arg.length) words.push(arg.slice(i + 1));
      break;
    }
  }
  return words;
}

class ArgParser {
  private i = 0;
  private invert = false;
  private table: TableName;
  private op?: { op: Op; letter: string };
  private chain?: string;
  private extra?: string;
  private position?: number;
  private policy?: string;
  private readonly list: ListOptions = { numeric: false, verbose: false, exact: false, lineNumbers: false };
  private readonly rule: Rule = { matches: [], counters: { packets: 0, bytes: 0 } };
  private hasRuleSpec = false;
  private targetName?: string;
  private targetOptions: Record<string, string | true> = {};
  private readonly recentStates = new Map<Match, Record<string, string | true>>();

  constructor(private readonly args: readonly string[], defaultTable: TableName) {
    this.table = defaultTable;
  }

  parse(): IptablesCommand {
    while (this.i < this.args.length) this.step(this.args[this.i++]);
    if (this.invert) usage('no command specified');
    if (!this.op) usage('no command specified');
    if (this.extra !== undefined) badArgument(this.extra);
    return this.build();
  }

  private step(arg: string): void {
    if (arg === '!') {
      if (this.invert) usage('multiple consecutive ! not allowed');
      this.invert = true;
      return;
    }
    const command = COMMAND_FLAGS[arg];
    if (command) return this.command(arg, command);
    if (!arg.startsWith('-') || arg === '-') {
      if (this.extra === undefined) this.extra = arg;
      return;
    }
    const invert = this.takeInvert();
    switch (arg) {
      case '-t': case '--table': {
        const name = this.value(arg);
        if (!(TABLE_NAMES as readonly string[]).includes(name)) {
          usage(`table '${name}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.`);
        }
        this.table = name as TableName;
        return;
      }
      case '-n': case '--numeric': this.list.numeric = true; return;
      case '-v': case '--verbose': this.list.verbose = true; return;
      case '-x': case '--exact': this.list.exact = true; return;
      case '--line-numbers': this.list.lineNumbers = true; return;
      case '-s': case '--source': case '--src':
        this.rule.source = { ...this.network(this.value(arg)), invert };
        this.hasRuleSpec = true;
        return;
      case '-d': case '--destination': case '--dst':
        this.rule.destination = { ...this.network(this.value(arg)), invert };
        this.hasRuleSpec = true;
        return;
      case '-i': case '--in-interface':
        this.rule.inInterface = { name: this.value(arg), invert };
        this.hasRuleSpec = true;
        return;
      case '-o': case '--out-interface':
        this.rule.outInterface = { name: this.value(arg), invert };
        this.hasRuleSpec = true;
        return;
      case '-p': case '--protocol': {
        const name = this.value(arg);
        const protocol = PROTOCOLS[name.toLowerCase()];
        if (!protocol) usage(`unknown protocol "${name}" specified`);
        this.rule.protocol = { name: protocol, invert };
        this.hasRuleSpec = true;
        return;
      }
      case '-m': case '--match':
        this.loadMatch(this.value(arg));
        this.hasRuleSpec = true;
        return;
      case '-j': case '--jump':
        this.targetName = this.value(arg);
        this.hasRuleSpec = true;
        return;
    }
    this.hasRuleSpec = true;
    if (this.matchOption(arg, invert)) return;
    if (this.targetOption(arg)) return;
    usage(`unknown option "${arg}"`);
  }

  private command(flag: string, command: { op: Op; letter: string }): void {
    if (this.op) usage(`Cannot use -${command.letter} with -${this.op.letter}`);
    this.op = command;
    const next = this.args[this.i];
    const takesChain = !OPTIONAL_CHAIN.has(command.op);
    if (takesChain) {
      if (next === undefined) usage(`option "${flag}" requires an argument`);
      this.chain = this.args[this.i++];
    } else if (next !== undefined && !next.startsWith('-') && next !== '!') {
      this.chain = this.args[this.i++];
    }
    const numberArg = this.args[this.i];
    if ((command.op === 'insert' || command.op === 'delete') && numberArg !== undefined && /^\d+$/.test(numberArg)) {
      this.position = Number(numberArg);
      this.i++;
    }
    if (command.op === 'policy') {
      if (this.args[this.i] === undefined) usage(`option "${flag}" requires an argument`);
      this.policy = this.args[this.i++];
    }
  }

  private build(): IptablesCommand {
    const { op } = this.op!;
    const table = this.table;
    const chain = this.chain;
    switch (op) {
      case 'append':
        return { op, table, chain: chain!, rule: this.finishRule() };
      case 'insert':
        return { op, table, chain: chain!, position: this.position ?? 1, rule: this.finishRule() };
      case 'delete':
        if (this.position !== undefined) {
          if (this.hasRuleSpec) badArgument(this.args.find((a) => a.startsWith('-') && !COMMAND_FLAGS[a]) ?? '');
          return { op, table, chain: chain!, position: this.position };
        }
        return { op, table, chain: chain!, rule: this.finishRule() };
      case 'new-chain':
        return { op, table, chain: chain! };
      case 'policy':
        return { op, table, chain: chain!, policy: this.policy! };
      case 'list':
        return { op, table, chain, options: this.list };
      case 'list-rules':
        return { op, table, chain };
      default:
        return { op, table, chain };
    }
  }

  private finishRule(): Rule {
    for (const [match, state] of this.recentStates) finishRecent(match, state);
    for (const match of this.rule.matches) {
      if (match.kind === 'comment' && match.comment === undefined) {
        usage('comment: option "--comment" must be specified\n');
      }
      if ((match.kind === 'tcp' || match.kind === 'udp' || match.kind === 'sctp') && this.rule.protocol?.name !== match.kind) {
        usage(`${match.kind.toUpperCase()} match requires '-p ${match.kind}'`);
      }
    }
    if (this.targetName !== undefined) this.rule.target = this.buildTarget(this.targetName);
    return this.rule;
  }

  private takeInvert(): boolean {
    const invert = this.invert;
    this.invert = false;
    return invert;
  }

  private value(option: string): string {
    const value = this.args[this.i];
    if (value === undefined) usage(`option "${option}" requires an argument`);
    this.i++;
    return value;
  }

  private network(text: string): { address: number; prefix: number } {
    const slash = text.indexOf('/');
    if (slash >= 0) {
      const mask = text.slice(slash + 1);
      if (/^\d+$/.test(mask) && Number(mask) > 32) usage(`invalid mask \`${mask}' specified`);
    }
    const parsed = parseIPv4Network(text);
    if (!parsed) usage(`host/network \`${slash >= 0 ? text.slice(0, slash) : text}' not found`);
    return parsed;
  }

  private loadMatch(name: string): void {
    if (!KNOWN_MATCHES.has(name)) usage(`Couldn't load match \`${name}':No such file or directory\n`);
    const match = emptyMatch(name);
    this.rule.matches.push(match);
    if (match.kind === 'recent') this.recentStates.set(match, {});
  }

  private lastMatch<K extends Match['kind']>(kinds: readonly K[]): Extract<Match, { kind: K }> | undefined {
    for (let m = this.rule.matches.length - 1; m >= 0; m--) {
      const match = this.rule.matches[m];
      if ((kinds as readonly string[]).includes(match.kind)) return match as Extract<Match, { kind: K }>;
    }
    return undefined;
  }

  private matchOption(option: string, invert: boolean): boolean {
    switch (option) {
      case '--comment': {
        const match = this.lastMatch(['comment']);
        if (!match) return false;
        match.comment = this.value(option);
        return true;
      }
      case '--sport': case '--source-port': case '--dport': case '--destination-port':
        return this.portOption(option, invert);
      case '--mode': case '--probability': {
        const match = this.lastMatch(['statistic']);
        if (!match) return false;
        const value = this.value(option);
        if (option === '--mode') {
          if (value !== 'random') usage(`Bad mode "${value}"`);
        } else {
          const probability = Number(value);
          if (!Number.isFinite(probability) || probability < 0 || probability > 1) usage(`--probability must be between 0 and 1`);
          match.probability = probabilityToKernel(probability);
        }
        return true;
      }
      case '--mark': {
        const match = this.lastMatch(['mark']);
        if (!match) return false;
        const { value, mask } = parseMarkValue(this.value(option));
        Object.assign(match, { mark: value, mask, invert });
        return true;
      }
      case '--src-type': case '--dst-type': {
        const match = this.lastMatch(['addrtype']);
        if (!match) return false;
        const value = this.value(option);
        if (!ADDRTYPES.has(value.toUpperCase())) usage(`addrtype: bad type "${value}"`);
        if (option === '--src-type') match.srcType = value.toUpperCase();
        else match.dstType = value.toUpperCase();
        return true;
      }
      case '--ctstate': {
        const match = this.lastMatch(['conntrack']);
        if (!match) return false;
        match.states = conntrackStates(this.value(option), 'ctstate');
        match.invert = invert;
        return true;
      }
      case '--state': {
        const match = this.lastMatch(['state']);
        if (!match) return false;
        match.states = conntrackStates(this.value(option), 'state');
        match.invert = invert;
        return true;
      }
      case '--match-set': {
        const match = this.lastMatch(['set']);
        if (!match) return false;
        match.name = this.value(option);
        const flags = this.value(option).split(',');
        if (flags.some((flag) => flag !== 'src' && flag !== 'dst')) usage(`You must specify (the comma separated list of) 'src' or 'dst'.`);
        match.flags = flags as ('src' | 'dst')[];
        match.invert = invert;
        return true;
      }
      case '--physdev-in': case '--physdev-out': case '--physdev-is-bridged': {
        const match = this.lastMatch(['physdev']);
        if (!match) return false;
        if (option === '--physdev-is-bridged') match.isBridged = true;
        else match[option === '--physdev-in' ? 'in' : 'out'] = { name: this.value(option), invert };
        return true;
      }
      case '--name': case '--set': case '--rcheck': case '--seconds': case '--reap': case '--rsource': case '--mask': {
        const match = this.lastMatch(['recent']);
        if (!match) return false;
        const state = this.recentStates.get(match)!;
        state[option] = option === '--name' || option === '--seconds' || option === '--mask' ? this.value(option) : true;
        return true;
      }
    }
    return false;
  }

  private portOption(option: string, invert: boolean): boolean {
    let match: PortMatch | undefined = this.lastMatch(['tcp', 'udp', 'sctp']);
    const protocol = this.rule.protocol?.name;
    if (!match) {
      if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') return false;
      match = { kind: protocol };
      this.rule.matches.push(match);
    }
    const destination = option === '--dport' || option === '--destination-port';
    const longName = destination ? '--destination-port' : '--source-port';
    if ((destination ? match.dport : match.sport) !== undefined) usage(`Only one \`${longName}' allowed`);
    const range = parsePortRange(this.value(option));
    if (destination) {
      match.dport = range;
      match.dportInvert = invert;
    } else {
      match.sport = range;
      match.sportInvert = invert;
    }
    return true;
  }

  private targetOption(option: string): boolean {
    const target = this.targetName;
    const accepted: Record<string, readonly string[]> = {
      REJECT: ['--reject-with'],
      DNAT: ['--to-destination'],
      SNAT: ['--to-source'],
      MASQUERADE: ['--random-fully'],
      MARK: ['--set-xmark', '--set-mark', '--or-mark', '--xor-mark', '--and-mark'],
      NFLOG: ['--nflog-group'],
    };
    if (!target || !accepted[target]?.includes(option)) return false;
    this.targetOptions[option] = option === '--random-fully' ? true : this.value(option);
    return true;
  }

  private buildTarget(name: string): Target {
    const options = this.targetOptions;
    switch (name) {
      case 'ACCEPT': case 'DROP': case 'RETURN':
        return { kind: 'verdict', verdict: name };
      case 'REJECT': {
        const withType = options['--reject-with'];
        if (withType === undefined) return { kind: 'REJECT', rejectWith: 'icmp-port-unreachable' };
        const normalized = REJECT_TYPES[withType as string];
        if (!normalized) usage(`unknown reject type "${withType}"`);
        return { kind: 'REJECT', rejectWith: normalized };
      }
      case 'DNAT': {
        const to = options['--to-destination'];
        if (to === undefined) usage('DNAT: option "--to-destination" must be specified\n');
        return { kind: 'DNAT', toDestination: to as string };
      }
      case 'SNAT': {
        const to = options['--to-source'];
        if (to === undefined) usage('SNAT: option "--to-source" must be specified\n');
        return { kind: 'SNAT', toSource: to as string };
      }
      case 'MASQUERADE':
        return { kind: 'MASQUERADE', randomFully: options['--random-fully'] === true };
      case 'MARK':
        return markTarget(options);
      case 'NFLOG': {
        const group = options['--nflog-group'] ?? '0';
        if (!/^\d+$/.test(group as string) || Number(group) > 65535) usage(`NFLOG: Bad value for option "--nflog-group"`);
        return { kind: 'NFLOG', group: Number(group) };
      }
      default:
        return { kind: 'jump', chain: name };
    }
  }
}

function emptyMatch(name: string): Match {
  switch (name) {
    case 'comment': return { kind: 'comment', comment: undefined as unknown as string };
    case 'tcp': case 'udp': case 'sctp': return { kind: name };
    case 'statistic': return { kind: 'statistic', probability: 0 };
    case 'mark': return { kind: 'mark', mark: 0, mask: 0xffffffff, invert: false };
    case 'addrtype': return { kind: 'addrtype' };
    case 'conntrack': return { kind: 'conntrack', states: [], invert: false };
    case 'state': return { kind: 'state', states: [], invert: false };
    case 'set': return { kind: 'set', name: '', flags: [], invert: false };
    case 'physdev': return { kind: 'physdev' };
    default: return { kind: 'recent', name: 'DEFAULT', mode: 'set', reap: false };
  }
}

function finishRecent(match: Match, state: Record<string, string | true>): void {
  if (match.kind !== 'recent') return;
  if (typeof state['--name'] === 'string') match.name = state['--name'];
  match.mode = state['--rcheck'] ? 'rcheck' : 'set';
  if (typeof state['--seconds'] === 'string') match.seconds = Number(state['--seconds']);
  match.reap = state['--reap'] === true;
}

function parsePort(text: string): number {
  if (/^\d+$/.test(text) && Number(text) <= 65535) return Number(text);
  usage(`invalid port/service \`${text}' specified`);
}

function parsePortRange(text: string): PortRange {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const port = parsePort(text);
    return { from: port, to: port };
  }
  const from = colon === 0 ? 0 : parsePort(text.slice(0, colon));
  const to = colon === text.length - 1 ? 65535 : parsePort(text.slice(colon + 1));
  return { from, to };
}

function parseNumber(text: string): number {
  const value = text.startsWith('0x') || text.startsWith('0X') ? Number.parseInt(text.slice(2), 16) : Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) usage(`Bad MARK value "${text}"`);
  return value;
}

function parseMarkValue(text: string): { value: number; mask: number } {
  const slash = text.indexOf('/');
  if (slash < 0) return { value: parseNumber(text), mask: 0xffffffff };
  return { value: parseNumber(text.slice(0, slash)), mask: parseNumber(text.slice(slash + 1)) };
}

function markTarget(options: Record<string, string | true>): Target {
  const [option, text] = Object.entries(options)[0] ?? [];
  if (option === undefined) usage('MARK target: Parameter --set/and/or/xor-mark is required');
  const { value, mask } = parseMarkValue(text as string);
  switch (option) {
    case '--set-xmark': return { kind: 'MARK', value, mask };
    case '--set-mark': return { kind: 'MARK', value, mask: (value | mask) >>> 0 };
    case '--and-mark': return { kind: 'MARK', value: 0, mask: ~value >>> 0 };
    case '--or-mark': return { kind: 'MARK', value, mask: value };
    default: return { kind: 'MARK', value, mask: 0 };
  }
}

