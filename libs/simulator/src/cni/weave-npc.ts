import { hash } from 'node:crypto';
import { oncePerVersion } from '../cluster/once-per-version';
import type { LabState, PodState } from '../cluster/types';
import { createNetfilter, runIptables, saveRuleSpec, type Netfilter } from '../iptables';
import { flowDraws, runChain, type FilterPacket } from '../datapath/netfilter-eval';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../net/ipv4';
import { matchesSelector } from '../netpol';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../netpol/types';
import { WEAVE } from './plugins';

/**
 * Weave Net 2.8.1's iptables and ipsets on a node: the router's FORWARD steering
 * (net/bridge.go configureIPTables), weave-npc's static chains (prog/weave-npc createBaseRules)
 * and what it derives from namespaces, pods and NetworkPolicies (npc/namespace.go, analyser.go,
 * rule.go, selector.go, ipblock.go): per namespace an ipset of its pods and the "default allow"
 * sets of the pods no policy isolates, per selector an ipset, per rule an ACCEPT in
 * WEAVE-NPC-INGRESS or a mark-and-return in WEAVE-NPC-EGRESS-CUSTOM. Like weave-npc it rejects a
 * policy with a named port ("named ports in network policies is not supported yet") and ignores
 * endPort (its port() reads Port only), so those policies behave as on a real weave cluster.
 */
export interface Ipset {
  type: 'hash:ip' | 'hash:net' | 'list:set';
  /** Addresses (hash:ip), CIDRs (hash:net) or member set names (list:set), with weave-npc's comments. */
  entries: { value: string; comment: string }[];
}

export interface WeaveNpc {
  /** iptables argument vectors, in the order the router and weave-npc run them. */
  rules: string[][];
  ipsets: Map<string, Ipset>;
  /** Policies weave-npc refused ("ns/name" → its error). */
  rejected: Map<string, string>;
}

export const BRIDGE_PORT = 'vethwe-bridge';
const EGRESS_MARK = '0x40000/0x40000';
const SYMBOLS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789(){}[]+=_$%^!*|/?.;:@#~';

/** npc/shortname.go: sha1, written in base 85 least significant digit first. */
export function shortName(text: string): string {
  let value = BigInt(`0x${hash('sha1', text, 'hex')}`);
  let out = '';
  while (value > 0n) {
    out += SYMBOLS[Number(value % 85n)];
    value /= 85n;
  }
  return out;
}

const ipsetName = (text: string) => `weave-${shortName(text)}`;

/** k8s.io/apimachinery labels.Selector String(): requirements sorted by key, comma-separated. */
export function selectorString(selector: LabelSelector): string {
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push({ key, text: `${key}=${value}` });
  for (const expression of selector.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    const text =
      expression.operator === 'In' ? `${expression.key} in (${values})` : expression.operator === 'NotIn' ? `${expression.key} notin (${values})` : expression.operator === 'Exists' ? expression.key : `!${expression.key}`;
    requirements.push({ key: expression.key, text });
  }
  return requirements
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** npc hasIP: running pods on the pod network. */
function hasIp(pod: PodState): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && pod.ip !== '' && !pod.hostNetwork;
}

const podComment = (pod: PodState) => `namespace: ${pod.namespace}, pod: ${pod.name}`;

interface Host {
  args: string[];
  comment: string;
}

class Builder {
  readonly ipsets = new Map<string, Ipset>();
  readonly rejected = new Map<string, string>();
  private readonly pods: PodState[];

  constructor(private readonly state: LabState) {
    this.pods = [...state.pods.values()].filter(hasIp);
  }

  ensureSet(name: string, type: Ipset['type'], entries: () => Ipset['entries']): string {
    if (!this.ipsets.has(name)) this.ipsets.set(name, { type, entries: entries() });
    return name;
  }

  /** A namespace's pods matching `selector` (weave-<ns:key>, hash:ip); the namespace's allPods set is the empty selector's. */
  podSet(namespace: string, selector: LabelSelector): string {
    return this.ensureSet(ipsetName(`${namespace}:${selectorString(selector)}`), 'hash:ip', () =>
      this.pods.filter((pod) => pod.namespace === namespace && matchesSelector(selector, pod.labels)).map((pod) => ({ value: pod.ip, comment: podComment(pod) })),
    );
  }

  namespaceSet(selector: LabelSelector): string {
    return this.ensureSet(ipsetName(`:${selectorString(selector)}`), 'list:set', () =>
      [...this.state.namespaces.values()].filter((ns) => matchesSelector(selector, ns.labels)).map((ns) => ({ value: this.podSet(ns.name, {}), comment: `namespace: ${ns.name}` })),
    );
  }

  namespacedPodSet(namespaceSelector: LabelSelector, podSelector: LabelSelector): string {
    return this.ensureSet(ipsetName(`:${selectorString(namespaceSelector)}${selectorString(podSelector)}`), 'hash:ip', () =>
      this.pods
        .filter((pod) => matchesSelector(podSelector, pod.labels) && matchesSelector(namespaceSelector, this.state.namespaces.get(pod.namespace)?.labels ?? {}))
        .map((pod) => ({ value: pod.ip, comment: podComment(pod) })),
    );
  }

  /** The source or destination half of a rule (selector.go / ipblock.go getRuleSpec). */
  peer(namespace: string, peer: NetworkPolicyPeer, dir: 'src' | 'dst'): Host {
    if (peer.ipBlock) {
      const flag = dir === 'src' ? '-s' : '-d';
      const except = [...(peer.ipBlock.except ?? [])].sort();
      if (except.length === 0) return { args: [flag, peer.ipBlock.cidr], comment: `cidr: ${peer.ipBlock.cidr}` };
      const key = except.join(' ');
      const name = this.ensureSet(ipsetName(`${namespace}:ipblock-except:${key}`), 'hash:net', () => except.map((cidr) => ({ value: cidr, comment: `excepted from ${peer.ipBlock!.cidr}` })));
      return { args: [flag, peer.ipBlock.cidr, '-m', 'set', '!', '--match-set', name, dir], comment: `cidr: ${peer.ipBlock.cidr} except [${key}]` };
    }
    if (peer.podSelector && peer.namespaceSelector) {
      return { args: ['-m', 'set', '--match-set', this.namespacedPodSet(peer.namespaceSelector, peer.podSelector), dir], comment: `namespaces: selector: ${selectorString(peer.namespaceSelector)}${selectorString(peer.podSelector)}` };
    }
    if (peer.podSelector) return this.target(namespace, peer.podSelector, dir);
    return { args: ['-m', 'set', '--match-set', this.namespaceSet(peer.namespaceSelector!), dir], comment: `namespaces: selector: ${selectorString(peer.namespaceSelector!)}` };
  }

  target(namespace: string, selector: LabelSelector, dir: 'src' | 'dst'): Host {
    return { args: ['-m', 'set', '--match-set', this.podSet(namespace, selector), dir], comment: `pods: namespace: ${namespace}, selector: ${selectorString(selector)}` };
  }
}

/** analyser.go: the rule specs of one policy, or the reason weave-npc refuses it. */
function policyRules(builder: Builder, policy: NetworkPolicy): string[][] | string {
  const namespace = policy.metadata.namespace;
  const types = policy.spec.policyTypes ?? ['Ingress'];
  const allRules = [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])];
  for (const rule of allRules) {
    const named = rule.ports?.find((port) => typeof port.port === 'string');
    if (named) return `named ports in network policies is not supported yet. Rejecting network policy: ${policy.metadata.name} from further processing. named port ${named.port as string} in network policy`;
  }
  const target = builder.target(namespace, policy.spec.podSelector, 'dst');
  const out: string[][] = [];
  const emit = (type: 'ingress' | 'egress', src: Host | undefined, dst: Host | undefined, port: NetworkPolicyPort | undefined) => {
    const args = [
      ...(port ? ['-p', port.protocol ?? 'TCP'] : []),
      ...(src?.args ?? []),
      ...(dst?.args ?? []),
      ...(port ? ['--dport', port.port === undefined ? '0:65535' : String(port.port)] : []),
      '-m', 'comment', '--comment', `${src?.comment ?? 'anywhere'} -> ${dst?.comment ?? 'anywhere'} (${type})`,
    ];
    if (type === 'ingress') out.push(['-A', 'WEAVE-NPC-INGRESS', ...args, '-j', 'ACCEPT']);
    else out.push(['-A', 'WEAVE-NPC-EGRESS-CUSTOM', ...args, '-j', 'WEAVE-NPC-EGRESS-ACCEPT'], ['-A', 'WEAVE-NPC-EGRESS-CUSTOM', ...args, '-j', 'RETURN']);
  };
  const each = (type: 'ingress' | 'egress', peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined) => {
    const portList = ports && ports.length > 0 ? ports : [undefined];
    const hosts = peers && peers.length > 0 ? peers.map((peer) => builder.peer(namespace, peer, type === 'ingress' ? 'src' : 'dst')) : [undefined];
    for (const host of hosts) {
      for (const port of portList) {
        if (type === 'ingress') emit(type, host, target, port);
        else emit(type, builder.target(namespace, policy.spec.podSelector, 'src'), host, port);
      }
    }
  };
  if (types.includes('Ingress')) for (const rule of policy.spec.ingress ?? []) each('ingress', rule.from, rule.ports);
  if (types.includes('Egress')) for (const rule of policy.spec.egress ?? []) each('egress', rule.to, rule.ports);
  return out;
}

function build(state: LabState): WeaveNpc {
  const builder = new Builder(state);
  const comment = (text: string) => ['-m', 'comment', '--comment', text];
  const note = comment("NOTE: this must go before '-j KUBE-FORWARD'");
  const rules: string[][] = [
    ...['WEAVE-NPC', 'WEAVE-NPC-DEFAULT', 'WEAVE-NPC-INGRESS', 'WEAVE-NPC-EGRESS', 'WEAVE-NPC-EGRESS-DEFAULT', 'WEAVE-NPC-EGRESS-CUSTOM', 'WEAVE-NPC-EGRESS-ACCEPT'].map((chain) => ['-N', chain]),
    // The router's steering, kept at the top of FORWARD in this order (ensureRulesAtTop).
    ['-I', 'FORWARD', '1', '-i', WEAVE.bridge, ...note, '-j', 'WEAVE-NPC-EGRESS'],
    ['-I', 'FORWARD', '2', '-o', WEAVE.bridge, ...note, '-j', 'WEAVE-NPC'],
    ['-I', 'FORWARD', '3', '-o', WEAVE.bridge, '-m', 'state', '--state', 'NEW', '-j', 'NFLOG', '--nflog-group', '86'],
    ['-I', 'FORWARD', '4', '-o', WEAVE.bridge, '-j', 'DROP'],
    ['-I', 'FORWARD', '5', '-i', WEAVE.bridge, '!', '-o', WEAVE.bridge, '-j', 'ACCEPT'],
    ['-I', 'FORWARD', '6', '-o', WEAVE.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-i', WEAVE.bridge, '-j', 'WEAVE-NPC-EGRESS'],
    ['-t', 'nat', '-N', 'WEAVE'],
    ['-t', 'nat', '-A', 'POSTROUTING', '-j', 'WEAVE'],
    ['-t', 'nat', '-A', 'WEAVE', '-s', WEAVE.range, '-d', '224.0.0.0/4', '-j', 'RETURN'],
    ['-t', 'nat', '-A', 'WEAVE', '!', '-s', WEAVE.range, '-d', WEAVE.range, '-j', 'MASQUERADE'],
    ['-t', 'nat', '-A', 'WEAVE', '-s', WEAVE.range, '!', '-d', WEAVE.range, '-j', 'MASQUERADE'],
    // weave-npc's static rules (--allow-mcast, the default).
    ['-A', 'WEAVE-NPC', '-m', 'state', '--state', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ['-A', 'WEAVE-NPC', '-d', '224.0.0.0/4', '-j', 'ACCEPT'],
    ['-A', 'WEAVE-NPC', '-m', 'physdev', '--physdev-out', BRIDGE_PORT, '-j', 'ACCEPT'],
    ['-A', 'WEAVE-NPC', '-m', 'state', '--state', 'NEW', '-j', 'WEAVE-NPC-DEFAULT'],
    ['-A', 'WEAVE-NPC', '-m', 'state', '--state', 'NEW', '-j', 'WEAVE-NPC-INGRESS'],
    ['-A', 'WEAVE-NPC-EGRESS-ACCEPT', '-j', 'MARK', '--set-xmark', EGRESS_MARK],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'state', '--state', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'physdev', '--physdev-in', BRIDGE_PORT, '-j', 'RETURN'],
    ['-A', 'WEAVE-NPC-EGRESS', '-d', '224.0.0.0/4', '-j', 'RETURN'],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'state', '--state', 'NEW', '-j', 'WEAVE-NPC-EGRESS-DEFAULT'],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'state', '--state', 'NEW', '-m', 'mark', '!', '--mark', EGRESS_MARK, '-j', 'WEAVE-NPC-EGRESS-CUSTOM'],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'state', '--state', 'NEW', '-m', 'mark', '!', '--mark', EGRESS_MARK, '-j', 'NFLOG', '--nflog-group', '86'],
    ['-A', 'WEAVE-NPC-EGRESS', '-m', 'mark', '!', '--mark', EGRESS_MARK, '-j', 'DROP'],
  ];
  const policies = [...state.networkPolicies.values()].map((entry) => entry.policy);
  const policyRuleSets = new Map<NetworkPolicy, string[][]>();
  for (const policy of policies) {
    const result = policyRules(builder, policy);
    if (typeof result === 'string') builder.rejected.set(`${policy.metadata.namespace}/${policy.metadata.name}`, result);
    else policyRuleSets.set(policy, result);
  }
  // Per namespace: its pods, the pods no accepted policy isolates per direction, and the bypass rules.
  const isolated = (pod: PodState, type: 'Ingress' | 'Egress') =>
    [...policyRuleSets.keys()].some((policy) => policy.metadata.namespace === pod.namespace && (policy.spec.policyTypes ?? ['Ingress']).includes(type) && matchesSelector(policy.spec.podSelector, pod.labels));
  for (const ns of state.namespaces.values()) {
    builder.podSet(ns.name, {});
    const members = [...state.pods.values()].filter((pod) => pod.namespace === ns.name && hasIp(pod));
    const defaultAllow = (type: 'Ingress' | 'Egress') =>
      builder.ensureSet(ipsetName(`${type.toLowerCase()}-default-allow:${ns.name}`), 'hash:ip', () => members.filter((pod) => !isolated(pod, type)).map((pod) => ({ value: pod.ip, comment: podComment(pod) })));
    const ingress = defaultAllow('Ingress');
    const egress = defaultAllow('Egress');
    const why = (direction: string) => comment(`DefaultAllow ${direction} isolation for namespace: ${ns.name}`);
    rules.push(['-A', 'WEAVE-NPC-DEFAULT', '-m', 'set', '--match-set', ingress, 'dst', ...why('ingress'), '-j', 'ACCEPT']);
    rules.push(['-A', 'WEAVE-NPC-EGRESS-DEFAULT', '-m', 'set', '--match-set', egress, 'src', ...why('egress'), '-j', 'WEAVE-NPC-EGRESS-ACCEPT']);
    rules.push(['-A', 'WEAVE-NPC-EGRESS-DEFAULT', '-m', 'set', '--match-set', egress, 'src', ...why('egress'), '-j', 'RETURN']);
  }
  // A rule several policies need is written once (ruleSet users).
  const written = new Set<string>();
  for (const ruleSet of policyRuleSets.values()) {
    for (const rule of ruleSet) {
      const key = rule.join('\u0000');
      if (written.has(key)) continue;
      written.add(key);
      rules.push(rule);
    }
  }
  return { rules, ipsets: builder.ipsets, rejected: builder.rejected };
}

/** weave-npc's view of the lab, the same on every node (its ipsets hold every pod of the cluster). */
export const weaveNpc: (state: LabState) => WeaveNpc = oncePerVersion(build);

interface SetIndex {
  ips: Set<number>;
  nets: Cidr[];
  members: string[];
}

const setIndexes = new WeakMap<WeaveNpc, Map<string, SetIndex>>();

/** Whether `ip` is in the ipset `name` (list:set: in any member set), over an index built once per lab version. */
export function weaveSetMembership(state: LabState): (name: string, ip: number) => boolean {
  const npc = weaveNpc(state);
  let index = setIndexes.get(npc);
  if (!index) {
    index = new Map();
    for (const [name, set] of npc.ipsets) {
      const entry: SetIndex = { ips: new Set(), nets: [], members: [] };
      for (const { value } of set.entries) {
        if (set.type === 'list:set') entry.members.push(value);
        else if (set.type === 'hash:net') entry.nets.push(parseCidr(value, false)!);
        else entry.ips.add(parseIp(value)!);
      }
      index.set(name, entry);
    }
    setIndexes.set(npc, index);
  }
  const sets = index;
  const within = (name: string, ip: number, depth: number): boolean => {
    const set = sets.get(name);
    if (!set || depth > 4) return false;
    return set.ips.has(ip) || set.nets.some((cidr) => cidrContains(cidr, ip)) || set.members.some((member) => within(member, ip, depth + 1));
  };
  return (name, ip) => within(name, ip, 0);
}

/** The router's and weave-npc's rules in built-in chains: taken out before they are written again. */
function builtinRule(rule: string[]): string[] | undefined {
  const table = rule[0] === '-t' ? rule.slice(0, 2) : [];
  const [op, chain, ...rest] = rule.slice(table.length);
  if (op === '-I') return [...table, '-D', chain, ...rest.slice(1)];
  if (op === '-A' && !chain.startsWith('WEAVE')) return [...table, '-D', chain, ...rest];
  return undefined;
}

/** The router and weave-npc own the WEAVE* chains and their rules in the built-in chains: a resync writes them again. */
export function applyWeaveChains(netfilter: Netfilter, state: LabState): void {
  const rules = weaveNpc(state).rules;
  for (const rule of rules) {
    const deletion = builtinRule(rule);
    if (deletion) while (runIptables(netfilter, deletion).exitCode === 0);
  }
  for (const table of ['filter', 'nat'] as const) for (const name of [...netfilter[table].chains.keys()]) if (name === 'WEAVE' || name.startsWith('WEAVE-')) netfilter[table].chains.delete(name);
  for (const rule of rules) {
    const result = runIptables(netfilter, rule);
    if (result.exitCode !== 0) throw new Error(`weave rule iptables ${rule.join(' ')} failed: ${result.stderr}`);
  }
}

/** weave-npc's chains alone (no kube-proxy, no user rules): what the weave bridge decides about policy. */
const npcTables = oncePerVersion((state): Netfilter => {
  const netfilter = createNetfilter();
  applyWeaveChains(netfilter, state);
  return netfilter;
});

export interface WeaveNpcVerdict {
  allowed: boolean;
  /** 'host': from the destination's own node (its packets go through OUTPUT, which weave-npc leaves alone). */
  reason?: 'host';
  /** The spec of the rule that decided (`-A CHAIN ...`), or the end of FORWARD's weave rules. */
  decidedBy?: string;
}

/**
 * One direction of weave-npc's decision on a new connection, as the weave bridge's FORWARD chain
 * takes it: egress as the frame leaves the source pod's port towards vethwe-bridge (WEAVE-NPC lets
 * it go there), ingress as it comes in from vethwe-bridge (the egress chain returns) to the
 * destination pod's port.
 */
export function weaveNpcVerdict(state: LabState, direction: 'egress' | 'ingress', source: PodState | undefined, destination: PodState | undefined, src: string, dst: string, protocol: string, port: number | undefined): WeaveNpcVerdict {
  const endpoint = direction === 'egress' ? source : destination;
  // Without policies every pod is in its namespace's DefaultAllow sets.
  if (!endpoint?.vethName || state.networkPolicies.size === 0) return { allowed: true };
  const node = state.nodes.get(endpoint.node);
  if (direction === 'ingress' && node && (src === node.ip || node.pluginNet?.devices.some((device) => device.address?.startsWith(`${src}/`)))) return { allowed: true, reason: 'host' };
  const netfilter = npcTables(state);
  const packet: FilterPacket = {
    src: parseIp(src)!,
    dst: parseIp(dst)!,
    protocol: protocol.toLowerCase() as FilterPacket['protocol'],
    ...(port !== undefined ? { srcPort: 40000, dstPort: port } : {}),
    inInterface: WEAVE.bridge,
    outInterface: WEAVE.bridge,
    physIn: direction === 'egress' ? endpoint.vethName : BRIDGE_PORT,
    physOut: direction === 'egress' ? BRIDGE_PORT : endpoint.vethName,
    mark: 0,
    ctstates: ['NEW'],
    isLocal: () => false,
    inSet: weaveSetMembership(state),
  };
  const result = runChain((table, chain) => netfilter[table].chains.get(chain), 'filter', 'FORWARD', packet, flowDraws(1));
  const decided = result.decidedBy?.rule ? `-A ${result.decidedBy.chain} ${saveRuleSpec(result.decidedBy.rule).trim()}` : undefined;
  return { allowed: result.verdict.kind === 'ACCEPT', ...(decided ? { decidedBy: decided } : {}) };
}
