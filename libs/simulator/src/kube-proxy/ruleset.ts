import { servicePortName } from './chain-names';
import type { Rule } from '../iptables';
import { addrtype, comment, conntrack, jump, markMatch, masquerade, orMark, rule, verdict, xorMark } from './rule-objects';
import { ruleCount } from './endpoint-chains';
import { buildServicePortRules } from './service-rules';
import type { ChainRules, RuleContext, ServicePortRules } from './service-rules';
import type { EndpointInput, KubeProxyCluster, KubeProxyInput, KubeProxyNode, KubeProxyVersion, ServiceInput } from './types';

export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;
const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];

/**
 * The nat chains for kube-proxy's stale-chain cleanup: every chain of the table (iptables-save -t nat),
 * or, for a table only this builder wrote, whether a chain is there: the chains it retired since the
 * last cleanup are then the only candidates, found without listing 111,000 chains.
 */
export type ExistingChains = Iterable<string> | ((chain: string) => boolean);

/** A Service (key "ns/name") that changed since the last sync: its new spec (undefined when deleted) and endpoints. */
export interface ServiceChange {
  key: string;
  service?: ServiceInput;
  /** Endpoints per servicePortName of this service. */
  endpoints: ReadonlyMap<string, readonly EndpointInput[]>;
}

/** What one iptables-restore block writes to a table: declared chains (flushed, then filled) and `-X` deletions. */
export interface TableWrite {
  table: 'filter' | 'nat';
  chains: ChainRules[];
  deleted: string[];
}

export interface SyncOutput {
  kind: 'full' | 'partial';
  /** filter, then nat: kube-proxy's one iptables-restore --noflush call, as rules. */
  writes: [TableWrite, TableWrite];
  /** Service keys whose SVC/SVL/EXT/SEP chains this restore rewrites. */
  rewrittenServices: string[];
  /**
   * Every service's rules jump only to its own current chains (or KUBE-MARK-MASQ): on a trusted
   * table no rule of this builder can reach a stale chain being deleted.
   */
  onlyOwnJumps?: boolean;
  natChains: number;
  natRules: number;
}

interface ServiceEntry {
  service: ServiceInput;
  ports: ServicePortRules[];
  endpointCount: number;
  /** Every jump of its rules reaches one of its own chains or KUBE-MARK-MASQ. */
  selfContained: boolean;
}

/** The top-level chains every sync rewrites whole, built from each service's share in KUBE-SERVICES order. */
const TOP_LEVEL = ['filterServices', 'filterExternalServices', 'natServices', 'natNodePorts'] as const;

// The fixed rules of every sync (shared: applying a sync copies each rule with fresh counters).
const NODEPORTS_LAST_RULE = rule({
  matches: [comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'), addrtype('dst', 'LOCAL')],
  target: jump('KUBE-NODEPORTS'),
});
const FORWARD_RULES = [
  rule({ matches: [conntrack(['INVALID'])], target: verdict('DROP') }),
  rule({ matches: [comment('kubernetes forwarding rules'), markMatch(false)], target: verdict('ACCEPT') }),
  rule({ matches: [comment('kubernetes forwarding conntrack rule'), conntrack(['RELATED', 'ESTABLISHED'])], target: verdict('ACCEPT') }),
];
const LOCALNET_RULE = rule({
  destination: '127.0.0.0/8',
  source: '127.0.0.0/8',
  sourceInvert: true,
  matches: [comment('block incoming localnet connections'), conntrack(['RELATED', 'ESTABLISHED', 'DNAT'], true)],
  target: verdict('DROP'),
});
const POSTROUTING_RULES = [
  rule({ matches: [markMatch(true)], target: verdict('RETURN') }),
  rule({ target: xorMark() }),
  rule({ matches: [comment('kubernetes service traffic requiring SNAT')], target: masquerade() }),
];
const MARK_MASQ_RULE = rule({ target: orMark() });

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Past this many changed services a partial sync rebuilds the top-level chains instead of splicing each share. */
const PATCH_LIMIT = 64;

const chainNamesOf = (ports: readonly ServicePortRules[]) => ports.flatMap((port) => port.chains.map((chain) => chain.name));

/**
 * kube-proxy's iptables proxier for one node, keeping each service's rules between syncs so a partial
 * sync only rebuilds the services that changed and patches their share of the top-level chains.
 * Services are written in KUBE-SERVICES sorted by "ns/name" (real kube-proxy iterates a Go map, so
 * its order is random; upstream tests sort too).
 */
export class KubeProxyRuleBuilder {
  private entries = new Map<string, ServiceEntry>();
  /** Chains a service stopped writing since the last cleanup, with the service: on tables only this builder wrote, the only stale ones. */
  private readonly retired = new Map<string, string>();
  private order: string[] = [];
  /** The four top-level chains' rules in `order`, and each service's count per chain (4 per index of `order`). */
  private readonly topLevel: Rule[][] = [[], [], [], []];
  private counts = new Int32Array(0);
  /** Stored services whose rules jump outside their own chains (see isSelfContained). */
  private openEntries = 0;
  private totalEndpoints = 0;
  private largeClusterMode = false;
  private context: RuleContext;

  constructor(
    node: KubeProxyNode,
    cluster: KubeProxyCluster,
    private readonly version: KubeProxyVersion,
  ) {
    this.context = { nodeName: node.name, clusterCIDR: cluster.clusterCIDR, largeClusterMode: false };
  }

  /** Rebuilds every service and returns the full-sync restore input. */
  fullSync(input: Pick<KubeProxyInput, 'services' | 'endpoints'>, existingNatChains?: ExistingChains): SyncOutput {
    const previous = this.entries;
    this.entries = new Map();
    this.openEntries = 0;
    const services = input.services.filter((s) => s.clusterIP !== 'None' && s.clusterIP !== '');
    const lists = services.map((service) => portEndpoints(service, input.endpoints));
    this.totalEndpoints = 0;
    for (const list of lists) for (const endpoints of list) this.totalEndpoints += endpoints.length;
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    services.forEach((service, i) => this.store(service, lists[i]));
    for (const [key, entry] of previous) this.retire(key, entry.ports, this.entries.get(key)?.ports);
    this.order = [...this.entries.keys()].sort(byKey);
    this.rebuildTopLevel();
    return this.render('full', this.order, existingNatChains);
  }

  /** Applies the changed services (the last change of a key counts) and returns the partial-sync restore input. */
  partialSync(given: readonly ServiceChange[], existingNatChains?: ExistingChains): SyncOutput {
    const changes = [...new Map(given.map((change) => [change.key, change])).values()];
    let keysChanged = false;
    const lists = changes.map((change) => (change.service && change.service.clusterIP !== 'None' ? portEndpoints(change.service, change.endpoints) : undefined));
    changes.forEach((change, i) => {
      const previous = this.entries.get(change.key);
      if (previous) this.totalEndpoints -= previous.endpointCount;
      for (const list of lists[i] ?? []) this.totalEndpoints += list.length;
    });
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    const rewritten: string[] = [];
    const replaced = new Set<string>();
    changes.forEach((change, i) => {
      const previous = this.entries.get(change.key);
      if (previous && !previous.selfContained) this.openEntries--;
      const existed = this.entries.delete(change.key);
      const list = lists[i];
      if (change.service && list) {
        this.store(change.service, list);
        rewritten.push(change.key);
        keysChanged ||= !existed;
        if (previous) replaced.add(change.key);
      } else keysChanged ||= existed;
      if (previous) this.retire(change.key, previous.ports, this.entries.get(change.key)?.ports);
    });
    if (keysChanged) {
      this.order = [...this.entries.keys()].sort(byKey);
      this.rebuildTopLevel();
    } else if (replaced.size > PATCH_LIMIT) this.rebuildTopLevel();
    else this.patchTopLevel(replaced);
    return this.render('partial', rewritten.sort(byKey), existingNatChains);
  }

  /** Notes the chains of `key` that its new rules no longer write (same port rules objects: none). */
  private retire(key: string, before: readonly ServicePortRules[], after: readonly ServicePortRules[] | undefined): void {
    if (before === after) return;
    const kept = new Set(after ? chainNamesOf(after) : []);
    for (const name of chainNamesOf(before)) if (!kept.has(name)) this.retired.set(name, key);
  }

  /** Whether a SVC/SVL/EXT/FW/SEP chain name is one this builder's services write now. */
  private activeChains(): (name: string) => boolean {
    const active = new Set<string>();
    for (const entry of this.entries.values()) for (const name of chainNamesOf(entry.ports)) active.add(name);
    return (name) => active.has(name);
  }

  private store(service: ServiceInput, portEndpoints: readonly (readonly EndpointInput[])[]): void {
    const context = this.context;
    if (context.largeClusterMode !== this.largeClusterMode) this.context = { ...context, largeClusterMode: this.largeClusterMode };
    const ports = cachedPortRules(service, portEndpoints, this.context);
    let selfContained = true;
    let endpointCount = 0;
    for (const port of ports) if (!port.selfContained) selfContained = false;
    for (const list of portEndpoints) endpointCount += list.length;
    const key = memoOf(service).key;
    const replaced = this.entries.get(key);
    if (replaced && !replaced.selfContained) this.openEntries--;
    if (!selfContained) this.openEntries++;
    this.entries.set(key, { service, ports, endpointCount, selfContained });
  }

  private rebuildTopLevel(): void {
    const lists: Rule[][] = [[], [], [], []];
    const counts = new Int32Array(this.order.length * 4);
    this.order.forEach((key, index) => {
      for (const port of this.entries.get(key)!.ports) {
        for (let i = 0; i < 4; i++) {
          const rules = port[TOP_LEVEL[i]];
          for (const r of rules) lists[i].push(r);
          counts[index * 4 + i] += rules.length;
        }
      }
    });
    this.counts = counts;
    lists[2].push(NODEPORTS_LAST_RULE);
    lists.forEach((list, i) => (this.topLevel[i] = list));
  }

  /**
   * The same services in the same order: each replaced service's share of the top-level chains is
   * spliced in place, last first so the offsets (summed in one pass) of the earlier ones still hold.
   */
  private patchTopLevel(replaced: ReadonlySet<string>): void {
    const indexes = [...replaced].map((key) => binarySearch(this.order, key)).sort((a, b) => a - b);
    const offsets: number[][] = [];
    const running = [0, 0, 0, 0];
    let next = 0;
    for (const index of indexes) {
      for (; next < index; next++) for (let i = 0; i < 4; i++) running[i] += this.counts[next * 4 + i];
      offsets.push(running.slice());
    }
    for (let k = indexes.length - 1; k >= 0; k--) {
      const index = indexes[k];
      const entry = this.entries.get(this.order[index])!;
      for (let i = 0; i < 4; i++) {
        const fresh: Rule[] = [];
        for (const port of entry.ports) for (const r of port[TOP_LEVEL[i]]) fresh.push(r);
        this.topLevel[i].splice(offsets[k][i], this.counts[index * 4 + i], ...fresh);
        this.counts[index * 4 + i] = fresh.length;
      }
    }
  }

  private render(kind: 'full' | 'partial', rewrite: readonly string[], existingNatChains?: ExistingChains): SyncOutput {
    // Top-level rules jump to every service's chains: declared with them in a full sync; in a partial
    // sync the unchanged services' chains are the ones earlier syncs wrote.
    let topChecks: ChainRules['unchecked'] = kind === 'full' ? 'always' : 'trusted';
    for (const key of kind === 'full' ? this.order : rewrite) if (!this.entries.get(key)!.selfContained) topChecks = undefined;
    const [filterServices, filterExternal, natServices, natNodePorts] = this.topLevel;
    const filterChains: ChainRules[] = [
      { name: 'KUBE-SERVICES', rules: filterServices.slice(), unchecked: topChecks },
      { name: 'KUBE-EXTERNAL-SERVICES', rules: filterExternal.slice(), unchecked: topChecks },
      { name: 'KUBE-FORWARD', rules: FORWARD_RULES, unchecked: 'always' },
      { name: 'KUBE-NODEPORTS', rules: [], unchecked: 'always' },
      { name: 'KUBE-PROXY-FIREWALL', rules: [], unchecked: 'always' },
    ];
    if (this.version !== '1.26') filterChains.push({ name: 'KUBE-FIREWALL', rules: [LOCALNET_RULE], unchecked: 'always' });
    const natChains: ChainRules[] = [
      { name: 'KUBE-SERVICES', rules: natServices.slice(), unchecked: topChecks },
      { name: 'KUBE-NODEPORTS', rules: natNodePorts.slice(), unchecked: topChecks },
      { name: 'KUBE-POSTROUTING', rules: POSTROUTING_RULES, unchecked: 'always' },
      { name: 'KUBE-MARK-MASQ', rules: [MARK_MASQ_RULE], unchecked: 'always' },
    ];
    for (const key of rewrite) for (const port of this.entries.get(key)!.ports) for (const chain of port.chains) natChains.push(chain);
    const deleted: string[] = [];
    if (typeof existingNatChains === 'function') {
      for (const [chain, key] of this.retired) {
        const writes = this.entries.get(key)?.ports.some((port) => port.chains.some((c) => c.name === chain));
        if (!writes && existingNatChains(chain)) deleted.push(chain);
      }
      this.retired.clear();
    } else if (existingNatChains) {
      const active = this.activeChains();
      for (const chain of existingNatChains) {
        if (active(chain) || !SERVICE_CHAIN_PREFIXES.some((prefix) => chain.startsWith(prefix))) continue;
        deleted.push(chain);
      }
      this.retired.clear();
    }
    let natRules = deleted.length;
    for (const chain of natChains) natRules += ruleCount(chain);
    return {
      kind,
      writes: [
        { table: 'filter', chains: filterChains, deleted: [] },
        { table: 'nat', chains: natChains, deleted },
      ],
      rewrittenServices: [...rewrite],
      onlyOwnJumps: this.openEntries === 0,
      natChains: natChains.length + deleted.length,
      natRules,
    };
  }
}

function binarySearch(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

const NO_ENDPOINTS: readonly EndpointInput[] = [];

interface BuiltPorts {
  endpoints: readonly (readonly EndpointInput[])[];
  clusterCIDR: string;
  largeClusterMode: boolean;
  /** Set when the rules depend on the node (Local traffic policies). */
  nodeName?: string;
  ports: ServicePortRules[];
}

/** What every node's builder needs of a Service object, made once: its key, its ports' names, its last rules. */
interface ServiceMemo {
  key: string;
  /** servicePortName of each port, in the Service's port order. */
  portNames: string[];
  built?: BuiltPorts;
}

/**
 * Per Service object (clusterServices keeps them while a Service does not change). A service's
 * rules for the same endpoint lists and context are the same on every node unless a Local traffic
 * policy makes them depend on the node: the other 4,999 nodes of a lab (and later syncs) reuse
 * them. Rules are never changed in place.
 */
const memos = new WeakMap<ServiceInput, ServiceMemo>();

function memoOf(service: ServiceInput): ServiceMemo {
  let memo = memos.get(service);
  if (!memo) {
    const portNames = service.ports.map((port) => servicePortName(service.namespace, service.name, port.name));
    memos.set(service, (memo = { key: `${service.namespace}/${service.name}`, portNames, built: undefined }));
  }
  return memo;
}

/** The service's ports' rules, in port name order. */
function buildPorts(service: ServiceInput, endpoints: readonly (readonly EndpointInput[])[], context: RuleContext): ServicePortRules[] {
  if (service.ports.length === 1) return [buildServicePortRules(service, service.ports[0], endpoints[0], context)];
  return service.ports
    .map((port, i) => ({ port, endpoints: endpoints[i] }))
    .sort((a, b) => byKey(a.port.name, b.port.name))
    .map(({ port, endpoints: list }) => buildServicePortRules(service, port, list, context));
}

function cachedPortRules(service: ServiceInput, endpoints: readonly (readonly EndpointInput[])[], context: RuleContext): ServicePortRules[] {
  const nodeDependent = service.internalTrafficPolicy === 'Local' || service.externalTrafficPolicy === 'Local';
  const nodeName = nodeDependent ? context.nodeName : undefined;
  const memo = memoOf(service);
  const cached = memo.built;
  if (
    cached &&
    cached.clusterCIDR === context.clusterCIDR &&
    cached.largeClusterMode === context.largeClusterMode &&
    cached.nodeName === nodeName &&
    cached.endpoints.every((list, i) => list === endpoints[i])
  ) {
    return cached.ports;
  }
  const ports = buildPorts(service, endpoints, context);
  memo.built = { endpoints, clusterCIDR: context.clusterCIDR, largeClusterMode: context.largeClusterMode, nodeName, ports };
  return ports;
}

function portEndpoints(service: ServiceInput, endpoints: ReadonlyMap<string, readonly EndpointInput[]>): (readonly EndpointInput[])[] {
  return memoOf(service).portNames.map((name) => endpoints.get(name) ?? NO_ENDPOINTS);
}

/** The full-sync restore input for a node, from scratch. */
export function buildFullRestore(input: KubeProxyInput, existingNatChains?: Iterable<string>): SyncOutput {
  return new KubeProxyRuleBuilder(input.node, input.cluster, input.version).fullSync(input, existingNatChains);
}
