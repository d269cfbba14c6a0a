import { addrtype, comment, conntrack, jump, markMatch, masquerade, orMark, rule, verdict, xorMark } from './rule-objects';
import { ruleCount } from './endpoint-chains';
import { ServiceSet } from './service-set';
import type { ServiceChange } from './service-set';
import type { SharedServiceRules } from './shared-service-rules';
import type { ChainRules, RuleContext, ServicePortRules } from './service-rules';
import type { KubeProxyCluster, KubeProxyInput, KubeProxyNode, KubeProxyVersion } from './types';

export { LARGE_CLUSTER_ENDPOINTS_THRESHOLD } from './service-set';
export type { ServiceChange } from './service-set';
const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];

/**
 * The nat chains for kube-proxy's stale-chain cleanup: every chain of the table (iptables-save -t nat),
 * or, for a table only this builder wrote, whether a chain is there: the chains it retired since the
 * last cleanup are then the only candidates, found without listing 111,000 chains.
 */
export type ExistingChains = Iterable<string> | ((chain: string) => boolean);

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

const chainNamesOf = (ports: readonly ServicePortRules[]) => ports.flatMap((port) => port.chains.map((chain) => chain.name));

/**
 * kube-proxy's iptables proxier for one node, keeping each service's rules between syncs so a partial
 * sync only rebuilds the services that changed and patches their share of the top-level chains.
 */
export class KubeProxyRuleBuilder {
  private set: ServiceSet;
  /** Chains a service stopped writing since the last cleanup, with the service: on tables only this builder wrote, the only stale ones. */
  private readonly retired = new Map<string, string>();
  private readonly context: RuleContext;

  constructor(
    node: KubeProxyNode,
    cluster: KubeProxyCluster,
    private readonly version: KubeProxyVersion,
  ) {
    this.context = { nodeName: node.name, clusterCIDR: cluster.clusterCIDR, largeClusterMode: false };
    this.set = new ServiceSet(this.context);
  }

  /**
   * Rebuilds every service and returns the full-sync restore input. `shared`, the lab's rules of the
   * same Services and endpoints, is taken as it is when no service depends on the node.
   */
  fullSync(input: Pick<KubeProxyInput, 'services' | 'endpoints'>, existingNatChains?: ExistingChains, shared?: SharedServiceRules): SyncOutput {
    let previous: Map<string, { ports: ServicePortRules[] }>;
    let serviceChains: { list: ChainRules[]; rules: number } | undefined;
    if (shared?.serves(this.context)) {
      previous = this.set.entries;
      this.set = shared.copyFor(this.context);
      serviceChains = shared.serviceChains();
    } else previous = this.set.build(input);
    const { entries } = this.set;
    for (const [key, entry] of previous) this.retire(key, entry.ports, entries.get(key)?.ports);
    return this.render('full', this.set.order, existingNatChains, serviceChains);
  }

  /** Applies the changed services (the last change of a key counts) and returns the partial-sync restore input. */
  partialSync(given: readonly ServiceChange[], existingNatChains?: ExistingChains): SyncOutput {
    const { rewritten, changes, previous } = this.set.apply(given);
    changes.forEach((change, i) => {
      const before = previous[i];
      if (before) this.retire(change.key, before.ports, this.set.entries.get(change.key)?.ports);
    });
    return this.render('partial', rewritten, existingNatChains);
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
    for (const entry of this.set.entries.values()) for (const name of chainNamesOf(entry.ports)) active.add(name);
    return (name) => active.has(name);
  }

  /** `serviceChains`: every service's chains in `rewrite` order, with their rule count, when known. */
  private render(kind: 'full' | 'partial', rewrite: readonly string[], existingNatChains?: ExistingChains, serviceChains?: { list: ChainRules[]; rules: number }): SyncOutput {
    const { entries, topLevel, openEntries } = this.set;
    // Top-level rules jump to every service's chains: declared with them in a full sync; in a partial
    // sync the unchanged services' chains are the ones earlier syncs wrote.
    let topChecks: ChainRules['unchecked'] = kind === 'full' ? 'always' : 'trusted';
    if (kind === 'full' ? openEntries > 0 : rewrite.some((key) => !entries.get(key)!.selfContained)) topChecks = undefined;
    const [filterServices, filterExternal, natServices, natNodePorts] = topLevel;
    const filterChains: ChainRules[] = [
      { name: 'KUBE-SERVICES', rules: filterServices.slice(), unchecked: topChecks },
      { name: 'KUBE-EXTERNAL-SERVICES', rules: filterExternal.slice(), unchecked: topChecks },
      { name: 'KUBE-FORWARD', rules: FORWARD_RULES, unchecked: 'always' },
      { name: 'KUBE-NODEPORTS', rules: [], unchecked: 'always' },
      { name: 'KUBE-PROXY-FIREWALL', rules: [], unchecked: 'always' },
    ];
    if (this.version !== '1.26') filterChains.push({ name: 'KUBE-FIREWALL', rules: [LOCALNET_RULE], unchecked: 'always' });
    const natServicesRules = natServices.slice();
    natServicesRules.push(NODEPORTS_LAST_RULE);
    const topNat: ChainRules[] = [
      { name: 'KUBE-SERVICES', rules: natServicesRules, unchecked: topChecks },
      { name: 'KUBE-NODEPORTS', rules: natNodePorts.slice(), unchecked: topChecks },
      { name: 'KUBE-POSTROUTING', rules: POSTROUTING_RULES, unchecked: 'always' },
      { name: 'KUBE-MARK-MASQ', rules: [MARK_MASQ_RULE], unchecked: 'always' },
    ];
    let natChains: ChainRules[];
    let natRules = 0;
    if (serviceChains) {
      natChains = topNat.concat(serviceChains.list);
      natRules += serviceChains.rules;
      for (const chain of topNat) natRules += chain.rules.length;
    } else {
      natChains = topNat;
      for (const key of rewrite) for (const port of entries.get(key)!.ports) for (const chain of port.chains) natChains.push(chain);
      for (const chain of natChains) natRules += ruleCount(chain);
    }
    const deleted: string[] = [];
    if (typeof existingNatChains === 'function') {
      for (const [chain, key] of this.retired) {
        const writes = entries.get(key)?.ports.some((port) => port.chains.some((c) => c.name === chain));
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
    natRules += deleted.length;
    return {
      kind,
      writes: [
        { table: 'filter', chains: filterChains, deleted: [] },
        { table: 'nat', chains: natChains, deleted },
      ],
      rewrittenServices: [...rewrite],
      onlyOwnJumps: openEntries === 0,
      natChains: natChains.length + deleted.length,
      natRules,
    };
  }
}

/** The full-sync restore input for a node, from scratch. */
export function buildFullRestore(input: KubeProxyInput, existingNatChains?: Iterable<string>): SyncOutput {
  return new KubeProxyRuleBuilder(input.node, input.cluster, input.version).fullSync(input, existingNatChains);
}
