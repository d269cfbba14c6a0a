import { servicePortName } from './chain-names';
import { buildServicePortRules, MASQUERADE_MARK } from './service-rules';
import type { RuleContext, ServicePortRules } from './service-rules';
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

export interface SyncOutput {
  kind: 'full' | 'partial';
  /** The iptables-restore --noflush input kube-proxy sends. */
  restore: string;
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

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * kube-proxy's iptables proxier for one node, keeping each service's rules between syncs so a partial
 * sync only rebuilds the services that changed. Services are written in KUBE-SERVICES sorted by
 * "ns/name" (real kube-proxy iterates a Go map, so its order is random; upstream tests sort too).
 */
export class KubeProxyRuleBuilder {
  private readonly entries = new Map<string, ServiceEntry>();
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
    const ports = [...service.ports]
      .sort((a, b) => byKey(a.name, b.name))
      .map((port) => buildServicePortRules(service, port, endpoints.get(servicePortName(service.namespace, service.name, port.name)) ?? [], context));
    this.entries.set(key, { service, ports, endpointCount: countEndpoints(service, endpoints) });
  }

  private render(kind: 'full' | 'partial', rewrite: readonly string[], existingNatChains?: Iterable<string>): SyncOutput {
    const filter = [
      '*filter',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-EXTERNAL-SERVICES - [0:0]',
      ':KUBE-FORWARD - [0:0]',
      ':KUBE-NODEPORTS - [0:0]',
      ':KUBE-PROXY-FIREWALL - [0:0]',
    ];
    const filterRules: string[] = [];
    if (this.version !== '1.26') {
      filter.push(':KUBE-FIREWALL - [0:0]');
      filterRules.push(
        '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      );
    }
    const natChains = [':KUBE-SERVICES - [0:0]', ':KUBE-NODEPORTS - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
    const natRules = [
      `-A KUBE-POSTROUTING -m mark ! --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j RETURN`,
      `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQUERADE_MARK}`,
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQUERADE_MARK}`,
    ];
    for (const key of this.order) {
      for (const port of this.entries.get(key)!.ports) {
        for (const rule of port.filterServices) filterRules.push(rule);
        for (const rule of port.filterExternalServices) filterRules.push(rule);
        for (const rule of port.natServices) natRules.push(rule);
        for (const rule of port.natNodePorts) natRules.push(rule);
      }
    }
    for (const key of rewrite) {
      for (const port of this.entries.get(key)!.ports) {
        for (const chain of port.chains) natChains.push(`:${chain} - [0:0]`);
        for (const rule of port.chainRules) natRules.push(rule);
      }
    }
    natRules.push(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    );
    filterRules.push(
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
      `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j ACCEPT`,
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    );
    if (existingNatChains) {
      const active = new Set<string>();
      for (const entry of this.entries.values()) for (const port of entry.ports) for (const chain of port.chains) active.add(chain);
      for (const chain of existingNatChains) {
        if (active.has(chain) || !SERVICE_CHAIN_PREFIXES.some((prefix) => chain.startsWith(prefix))) continue;
        natChains.push(`:${chain} - [0:0]`);
        natRules.push(`-X ${chain}`);
      }
    }
    const restore = [...filter, ...filterRules, 'COMMIT', '*nat', ...natChains, ...natRules, 'COMMIT', ''].join('\n');
    return { kind, restore, rewrittenServices: [...rewrite], natChains: natChains.length, natRules: natRules.length };
  }
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
