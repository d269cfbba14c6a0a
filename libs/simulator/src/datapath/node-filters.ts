/**
 * The netfilter rules a traced packet meets on a node, at the trace's time. A node whose tables the
 * user changed (iptables events) is read from its simulated tables (node-iptables: boot, kube-proxy
 * syncs and the user's commands in order). A node nobody touched holds exactly what kube-proxy
 * writes for the lab's Services, so only the rules this packet can meet are built: the fixed
 * chains of an empty sync plus the rules of the Services on the packet's ClusterIP or NodePort —
 * the same rule objects kube-proxy writes (node-filters.spec checks both against the full tables).
 */
import type { LabState, NodeState } from '../cluster/types';
import { oncePerVersion } from '../cluster/once-per-version';
import { createNetfilter, type Chain, type Netfilter, type TableName } from '../iptables';
import {
  applyKubeletChains, applyKubeProxySync, buildServicePortRules, ensureKubeProxyCanaries, KubeProxyRuleBuilder,
  LARGE_CLUSTER_ENDPOINTS_THRESHOLD, servicePortName, type EndpointInput, type KubeProxyVersion, type RuleContext, type ServiceInput,
  type ServicePortInput, type ServicePortRules,
} from '../kube-proxy';
import { clusterServices, nodeTables } from '../node-iptables';
import type { ServiceState } from '../services/types';
import type { ChainSource } from './netfilter-eval';
import { chainForDestination } from './chain-index';
import { parseIp } from '../net/ipv4';
import { kubeProxyReplaced } from '../cni/plugins';

interface ServiceIndex {
  byClusterIP: Map<string, ServiceState[]>;
  byNodePort: Map<number, ServiceState[]>;
}

/** Services by ClusterIP and NodePort, once per state version (no endpoints: a pod→pod trace needs none). */
const serviceIndex = oncePerVersion((state: LabState): ServiceIndex => {
  const byClusterIP = new Map<string, ServiceState[]>();
  const byNodePort = new Map<number, ServiceState[]>();
  const add = <K>(map: Map<K, ServiceState[]>, key: K, service: ServiceState) => {
    const list = map.get(key);
    if (list) list.push(service);
    else map.set(key, [service]);
  };
  for (const service of state.services.values()) {
    if (service.clusterIP !== 'None') add(byClusterIP, service.clusterIP, service);
    for (const port of service.ports) if (port.nodePort !== null && service.type !== 'ClusterIP') add(byNodePort, port.nodePort, service);
  }
  return { byClusterIP, byNodePort };
});

/** kube-proxy drops the SEP comments past 1,000 endpoints in all (counted once per version, only when a Service is traced). */
const largeClusterMode = oncePerVersion((state: LabState): boolean => {
  let total = 0;
  for (const list of clusterServices(state).endpoints.values()) total += list.length;
  return total > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
});

/** The Services whose ClusterIP is `ip`. */
export function servicesOnClusterIP(state: LabState, ip: string): readonly ServiceState[] {
  return serviceIndex(state).byClusterIP.get(ip) ?? [];
}

const NO_ENDPOINTS: readonly EndpointInput[] = [];
const bases = new Map<string, Netfilter>();

/** kubelet's chains, the canaries and an empty kube-proxy sync: every chain and rule that names no Service. */
function baseTables(version: KubeProxyVersion, clusterCIDR: string): Netfilter {
  const key = `${version}|${clusterCIDR}`;
  let base = bases.get(key);
  if (!base) {
    base = createNetfilter();
    applyKubeletChains(base);
    ensureKubeProxyCanaries(base);
    const builder = new KubeProxyRuleBuilder({ name: '', ip: '0.0.0.0' }, { podCIDR: clusterCIDR, clusterCIDR }, version);
    applyKubeProxySync(base, builder.fullSync({ services: [], endpoints: new Map() }), version);
    bases.set(key, base);
  }
  return base;
}

const userChain = (name: string, rules: Chain['rules']): Chain => ({ name, rules, policyCounters: { packets: 0, bytes: 0 } });

interface CachedPortRules {
  endpoints: readonly unknown[];
  large: boolean;
  node: string;
  rules: ServicePortRules;
}

/**
 * A Service port's rules, kept while its kube-proxy input and endpoints are the same objects
 * (clusterServices keeps them across versions): traced rules then keep their saved spec text.
 * Only Local traffic policies make them differ per node.
 */
const portRulesCache = new WeakMap<ServicePortInput, CachedPortRules>();

function portRules(service: ServiceInput, port: ServicePortInput, endpoints: readonly EndpointInput[], context: RuleContext): ServicePortRules {
  const node = service.internalTrafficPolicy === 'Local' || service.externalTrafficPolicy === 'Local' ? context.nodeName : '';
  const cached = portRulesCache.get(port);
  if (cached && cached.endpoints === endpoints && cached.large === context.largeClusterMode && cached.node === node) return cached.rules;
  const rules = buildServicePortRules(service, port, endpoints, context);
  portRulesCache.set(port, { endpoints, large: context.largeClusterMode, node, rules });
  return rules;
}

let kubeletOnly: Netfilter | undefined;

/** A node without kube-proxy (cilium's kube-proxy replacement): kubelet's chains only. */
function kubeletTables(): Netfilter {
  if (!kubeletOnly) {
    kubeletOnly = createNetfilter();
    applyKubeletChains(kubeletOnly);
  }
  return kubeletOnly;
}

/** Chains by name, per table: the rules a packet can meet on top of the base tables. */
type Overlay = Partial<Record<TableName, Map<string, Chain>>>;

function overlaySource(base: Netfilter, overlay: Overlay | undefined): ChainSource {
  return (table, chain) => overlay?.[table]?.get(chain) ?? base[table].chains.get(chain);
}

const VIEW_CACHE_LIMIT = 20_000;
/** Views of untouched nodes per state version, by destination (and node when a Local traffic policy makes the rules differ). */
const viewsOfVersion = oncePerVersion((): Map<string, ChainSource> => new Map());

function cachedViews(state: LabState): Map<string, ChainSource> {
  const byKey = viewsOfVersion(state);
  if (byKey.size >= VIEW_CACHE_LIMIT) byKey.clear();
  return byKey;
}

function untouchedView(state: LabState, node: NodeState, dst: string, dstPort: number | undefined, local: boolean): ChainSource {
  if (kubeProxyReplaced(state.cluster)) return kubeletSource;
  const base = baseTables(state.cluster.kubeProxy.version, state.cluster.podCIDR);
  const index = serviceIndex(state);
  const onClusterIP = index.byClusterIP.get(dst);
  const onNodePort = local && dstPort !== undefined ? index.byNodePort.get(dstPort) : undefined;
  if (!onClusterIP && !onNodePort) return baseSource(base);
  const services = new Set([...(onClusterIP ?? []), ...(onNodePort ?? [])]);
  const perNode = [...services].some((service) => service.internalTrafficPolicy === 'Local' || service.externalTrafficPolicy === 'Local');
  const key = `${dst}|${onNodePort ? dstPort : ''}|${perNode ? node.name : ''}`;
  const cache = cachedViews(state);
  let view = cache.get(key);
  if (!view) cache.set(key, (view = overlaySource(base, serviceOverlay(state, node, base, services))));
  return view;
}

/** The rules kube-proxy writes for `services` (on `node`, for Local traffic policies), over the base tables' fixed chains. */
function serviceOverlay(state: LabState, node: NodeState, base: Netfilter, services: ReadonlySet<ServiceState>): Overlay {
  const { byKey, endpoints } = clusterServices(state);
  const nat = new Map<string, Chain>();
  const natServices: Chain['rules'] = [];
  const natNodePorts: Chain['rules'] = [];
  const filterServices: Chain['rules'] = [];
  const filterExternal: Chain['rules'] = [];
  const context = { nodeName: node.name, clusterCIDR: state.cluster.podCIDR, largeClusterMode: largeClusterMode(state) };
  for (const serviceState of services) {
    const service = byKey.get(`${serviceState.namespace}/${serviceState.name}`)!;
    for (const port of service.ports) {
      const rules = portRules(service, port, endpoints.get(servicePortName(service.namespace, service.name, port.name)) ?? NO_ENDPOINTS, context);
      natServices.push(...rules.natServices);
      natNodePorts.push(...rules.natNodePorts);
      filterServices.push(...rules.filterServices);
      filterExternal.push(...rules.filterExternalServices);
      for (const chain of rules.chains) nat.set(chain.name, userChain(chain.name, chain.rules));
    }
  }
  nat.set('KUBE-SERVICES', userChain('KUBE-SERVICES', [...natServices, ...base.nat.chains.get('KUBE-SERVICES')!.rules]));
  nat.set('KUBE-NODEPORTS', userChain('KUBE-NODEPORTS', natNodePorts));
  const filter = new Map([
    ['KUBE-SERVICES', userChain('KUBE-SERVICES', filterServices)],
    ['KUBE-EXTERNAL-SERVICES', userChain('KUBE-EXTERNAL-SERVICES', filterExternal)],
  ]);
  return { nat, filter };
}

const baseSources = new WeakMap<Netfilter, ChainSource>();

function baseSource(base: Netfilter): ChainSource {
  let source = baseSources.get(base);
  if (!source) baseSources.set(base, (source = overlaySource(base, undefined)));
  return source;
}

const kubeletSource: ChainSource = (table, chain) => kubeletTables()[table].chains.get(chain);

/** Whether the user changed this node's tables by `time` (then its simulated tables are read). */
export function tablesTouched(state: LabState, node: NodeState, time: number): boolean {
  return state.proxy.nodes.get(node.name)?.mutations.some((mutation) => mutation.time <= time) ?? false;
}

/**
 * The chains a packet to `dst`:`dstPort` meets on `node` at `time`. `local`: `dst` is one of the
 * node's own addresses (a NodePort may apply).
 */
export function nodeChainSource(state: LabState, node: NodeState, time: number, dst: string, dstPort: number | undefined, local: boolean): ChainSource {
  if (tablesTouched(state, node, time)) {
    const tables = nodeTables(state, node.name, time);
    const address = parseIp(dst);
    if (address === undefined) return (table: TableName, chain: string) => tables[table].chains.get(chain);
    // KUBE-SERVICES holds a rule per Service port: only those for this destination (and the rest) are walked.
    const generation = `${state.version}@${time}`;
    return (table: TableName, chain: string) => {
      const found = tables[table].chains.get(chain);
      return found && chainForDestination(found, address, generation);
    };
  }
  return untouchedView(state, node, dst, dstPort, local);
}
