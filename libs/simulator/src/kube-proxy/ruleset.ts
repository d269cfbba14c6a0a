import { servicePortName } from './chain-names';
import type { Rule } from '../iptables';
import { addrtype, comment, conntrack, jump, markMatch, masquerade, orMark, rule, verdict, xorMark } from './rule-objects';
import { buildServicePortRules } from './service-rules';
import type { ChainRules, RuleContext, ServicePortRules } from './service-rules';
import type { EndpointInput, KubeProxyCluster, KubeProxyInput, KubeProxyNode, KubeProxyVersion, ServiceInput } from './types';

export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;
const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];

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
  natChains: number;
  natRules: number;
}

interface ServiceEntry {
  service: ServiceInput;
  ports: ServicePortRules[];
  endpointCount: number;
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

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * kube-proxy's iptables proxier for one node, keeping each service's rules between syncs so a partial
 * sync only rebuilds the services that changed. Services are written in KUBE-SERVICES sorted by
 * "ns/name" (real kube-proxy iterates a Go map, so its order is random; upstream tests sort too).
 */
export class KubeProxyRuleBuilder {
  private readonly entries = new Map<string, ServiceEntry>();
  /** Every SVC/SVL/EXT/SEP chain of the stored services: what the stale-chain cleanup keeps. */
  private readonly activeChains = new Set<string>();
  private order: string[] = [];
  private totalEndpoints = 0;
  private largeClusterMode = false;

  constructor(
    private readonly node: KubeProxyNode,
    private readonly cluster: KubeProxyCluster,
    private readonly version: KubeProxyVersion,
  ) {}

  /** Rebuilds every service and returns the full-sync restore input. */
  fullSync(input: Pick<KubeProxyInput, 'services' | 'endpoints'>, existingNatChains?: Iterable<string>): SyncOutput {
    this.entries.clear();
    this.activeChains.clear();
    this.totalEndpoints = 0;
    const services = input.services.filter((s) => s.clusterIP !== 'None' && s.clusterIP !== '');
    for (const service of services) this.totalEndpoints += countEndpoints(service, input.endpoints);
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    for (const service of services) this.store(service, input.endpoints);
    this.order = [...this.entries.keys()].sort(byKey);
    return this.render('full', this.order, existingNatChains);
  }

  /** Applies the changed services and returns the partial-sync restore input. */
  partialSync(changes: readonly ServiceChange[], existingNatChains?: Iterable<string>): SyncOutput {
    let keysChanged = false;
    for (const change of changes) {
      const previous = this.entries.get(change.key);
      if (previous) this.totalEndpoints -= previous.endpointCount;
      if (change.service && change.service.clusterIP !== 'None') {
        this.totalEndpoints += countEndpoints(change.service, change.endpoints);
      }
    }
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    const rewritten: string[] = [];
    for (const change of changes) {
      const previous = this.entries.get(change.key);
      for (const port of previous?.ports ?? []) for (const chain of port.chains) this.activeChains.delete(chain.name);
      const existed = this.entries.delete(change.key);
      if (change.service && change.service.clusterIP !== 'None') {
        this.store(change.service, change.endpoints);
        rewritten.push(change.key);
        keysChanged ||= !existed;
      } else keysChanged ||= existed;
    }
    if (keysChanged) this.order = [...this.entries.keys()].sort(byKey);
    return this.render('partial', rewritten.sort(byKey), existingNatChains);
  }

  private store(service: ServiceInput, endpoints: ReadonlyMap<string, readonly EndpointInput[]>): void {
    const context: RuleContext = { nodeName: this.node.name, clusterCIDR: this.cluster.clusterCIDR, largeClusterMode: this.largeClusterMode };
    const key = `${service.namespace}/${service.name}`;
    const portEndpoints = service.ports.map((port) => endpoints.get(servicePortName(service.namespace, service.name, port.name)) ?? NO_ENDPOINTS);
    const ports = cachedPortRules(service, portEndpoints, context, () =>
      service.ports
        .map((port, i) => ({ port, endpoints: portEndpoints[i] }))
        .sort((a, b) => byKey(a.port.name, b.port.name))
        .map(({ port, endpoints: list }) => buildServicePortRules(service, port, list, context)),
    );
    this.entries.set(key, { service, ports, endpointCount: countEndpoints(service, endpoints) });
    for (const port of ports) for (const chain of port.chains) this.activeChains.add(chain.name);
  }

  private render(kind: 'full' | 'partial', rewrite: readonly string[], existingNatChains?: Iterable<string>): SyncOutput {
    const filter = {
      services: { name: 'KUBE-SERVICES', rules: [] as Rule[] },
      external: { name: 'KUBE-EXTERNAL-SERVICES', rules: [] as Rule[] },
    };
    const nat = {
      services: { name: 'KUBE-SERVICES', rules: [] as Rule[] },
      nodePorts: { name: 'KUBE-NODEPORTS', rules: [] as Rule[] },
    };
    for (const key of this.order) {
      for (const port of this.entries.get(key)!.ports) {
        for (const r of port.filterServices) filter.services.rules.push(r);
        for (const r of port.filterExternalServices) filter.external.rules.push(r);
        for (const r of port.natServices) nat.services.rules.push(r);
        for (const r of port.natNodePorts) nat.nodePorts.rules.push(r);
      }
    }
    nat.services.rules.push(NODEPORTS_LAST_RULE);
    const filterChains: ChainRules[] = [
      filter.services,
      filter.external,
      { name: 'KUBE-FORWARD', rules: FORWARD_RULES },
      { name: 'KUBE-NODEPORTS', rules: [] },
      { name: 'KUBE-PROXY-FIREWALL', rules: [] },
    ];
    if (this.version !== '1.26') filterChains.push({ name: 'KUBE-FIREWALL', rules: [LOCALNET_RULE] });
    const natChains: ChainRules[] = [
      nat.services,
      nat.nodePorts,
      { name: 'KUBE-POSTROUTING', rules: POSTROUTING_RULES },
      { name: 'KUBE-MARK-MASQ', rules: [MARK_MASQ_RULE] },
    ];
    for (const key of rewrite) for (const port of this.entries.get(key)!.ports) for (const chain of port.chains) natChains.push(chain);
    const deleted: string[] = [];
    if (existingNatChains) {
      for (const chain of existingNatChains) {
        if (this.activeChains.has(chain) || !SERVICE_CHAIN_PREFIXES.some((prefix) => chain.startsWith(prefix))) continue;
        deleted.push(chain);
      }
    }
    let natRules = deleted.length;
    for (const chain of natChains) natRules += chain.rules.length;
    return {
      kind,
      writes: [
        { table: 'filter', chains: filterChains, deleted: [] },
        { table: 'nat', chains: natChains, deleted },
      ],
      rewrittenServices: [...rewrite],
      natChains: natChains.length + deleted.length,
      natRules,
    };
  }
}

const NO_ENDPOINTS: readonly EndpointInput[] = [];

interface CachedPorts {
  endpoints: readonly (readonly EndpointInput[])[];
  clusterCIDR: string;
  largeClusterMode: boolean;
  /** Set when the rules depend on the node (Local traffic policies). */
  nodeName?: string;
  ports: ServicePortRules[];
}

/**
 * A service's rules for the same Service object, endpoint lists and context are the same on every
 * node unless a Local traffic policy makes them depend on the node: kept per Service object, so the
 * other 4,999 nodes of a lab (and later syncs) reuse them. Rules are never changed in place.
 */
const portRulesCache = new WeakMap<ServiceInput, CachedPorts>();

function cachedPortRules(
  service: ServiceInput,
  endpoints: readonly (readonly EndpointInput[])[],
  context: RuleContext,
  build: () => ServicePortRules[],
): ServicePortRules[] {
  const nodeDependent = service.internalTrafficPolicy === 'Local' || service.externalTrafficPolicy === 'Local';
  const nodeName = nodeDependent ? context.nodeName : undefined;
  const cached = portRulesCache.get(service);
  if (
    cached &&
    cached.clusterCIDR === context.clusterCIDR &&
    cached.largeClusterMode === context.largeClusterMode &&
    cached.nodeName === nodeName &&
    cached.endpoints.every((list, i) => list === endpoints[i])
  ) {
    return cached.ports;
  }
  const ports = build();
  portRulesCache.set(service, { endpoints, clusterCIDR: context.clusterCIDR, largeClusterMode: context.largeClusterMode, nodeName, ports });
  return ports;
}

function countEndpoints(service: ServiceInput, endpoints: ReadonlyMap<string, readonly EndpointInput[]>): number {
  let count = 0;
  for (const port of service.ports) count += endpoints.get(servicePortName(service.namespace, service.name, port.name))?.length ?? 0;
  return count;
}

/** The full-sync restore input for a node, from scratch. */
export function buildFullRestore(input: KubeProxyInput, existingNatChains?: Iterable<string>): SyncOutput {
  return new KubeProxyRuleBuilder(input.node, input.cluster, input.version).fullSync(input, existingNatChains);
}
