/**
 * Policies compiled once (selectors to predicates, CIDRs to uint32 ranges) and indexed by
 * namespace, then by one label pair of their podSelector, so finding the policies that select a
 * pod never scans the policies of other namespaces nor those selecting other labels.
 */
import { inRange, ipv4Range, parseCidr, parseIPv4, type Ipv4Range } from './cidr';
import { defaultNetworkPolicy } from './defaults';
import { compileSelector, type LabelMatcher, type Labels } from './label-selector';
import type {
  NetpolNamespace,
  NetpolPod,
  NetpolWorld,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Protocol,
} from './types';

export const namespaceNameLabel = 'kubernetes.io/metadata.name';

export interface CompiledPeer {
  /** null: the peer has no pod/namespace part (ipBlock only). */
  pods: { namespace: LabelMatcher | null; labels: LabelMatcher } | null;
  /** null: the peer has no ipBlock. An IPv6 block compiles to a range nothing in HopLab falls in. */
  ipBlock: { range: Ipv4Range | null; except: Ipv4Range[] } | null;
}

export interface CompiledPort {
  protocol: Protocol;
  port?: number;
  endPort?: number;
  name?: string;
}

export interface CompiledRule {
  /** null: the rule lists no peers and so matches every peer. */
  peers: CompiledPeer[] | null;
  /** null: the rule lists no ports and so matches every port and protocol. */
  ports: CompiledPort[] | null;
}

export interface CompiledPolicy {
  /** "namespace/name". */
  key: string;
  name: string;
  namespace: string;
  /** Position in the world's policy list, to report policies in a stable order. */
  order: number;
  selects: LabelMatcher;
  /** null when the policy's policyTypes do not include that direction. */
  ingress: CompiledRule[] | null;
  egress: CompiledRule[] | null;
}

interface NamespacePolicies {
  byLabel: Map<string, Map<string, CompiledPolicy[]>>;
  unindexed: CompiledPolicy[];
}

export interface NetpolIndex {
  readonly kind: 'netpol-index';
  namespaceLabels(namespace: string): Labels;
  /** Policies of the pod's namespace selecting the pod, ordered as applied. */
  selecting(pod: NetpolPod): CompiledPolicy[];
  pod(key: string): NetpolPod | undefined;
}

function compilePort(port: NetworkPolicyPort): CompiledPort {
  const protocol = port.protocol ?? 'TCP';
  if (typeof port.port === 'string') return { protocol, name: port.port };
  if (port.port === undefined) return { protocol };
  return { protocol, port: port.port, endPort: port.endPort ?? port.port };
}

function compileRange(cidr: string): Ipv4Range | null {
  const parsed = parseCidr(cidr);
  return parsed && ipv4Range(parsed);
}

function compilePeer(peer: NetworkPolicyPeer): CompiledPeer {
  const hasPods = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
  return {
    pods: hasPods
      ? {
          namespace: peer.namespaceSelector ? compileSelector(peer.namespaceSelector) : null,
          labels: compileSelector(peer.podSelector ?? {}),
        }
      : null,
    ipBlock: peer.ipBlock
      ? {
          range: compileRange(peer.ipBlock.cidr),
          except: (peer.ipBlock.except ?? []).map(compileRange).filter((r): r is Ipv4Range => r !== null),
        }
      : null,
  };
}

function compileRules(rules: { ports?: NetworkPolicyPort[]; peers?: NetworkPolicyPeer[] }[]): CompiledRule[] {
  return rules.map((rule) => ({
    peers: rule.peers && rule.peers.length > 0 ? rule.peers.map(compilePeer) : null,
    ports: rule.ports && rule.ports.length > 0 ? rule.ports.map(compilePort) : null,
  }));
}

export function compilePolicy(raw: NetworkPolicy, order: number): CompiledPolicy {
  const policy = defaultNetworkPolicy(raw);
  const { name, namespace } = policy.metadata;
  const types = policy.spec.policyTypes ?? [];
  return {
    key: `${namespace}/${name}`,
    name,
    namespace,
    order,
    selects: compileSelector(policy.spec.podSelector ?? {}),
    ingress: types.includes('Ingress')
      ? compileRules((policy.spec.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from })))
      : null,
    egress: types.includes('Egress')
      ? compileRules((policy.spec.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to })))
      : null,
  };
}

function valuesOf<T>(collection: ReadonlyMap<string, T> | readonly T[]): Iterable<T> {
  return Array.isArray(collection) ? collection : (collection as ReadonlyMap<string, T>).values();
}

export function isNetpolIndex(value: NetpolWorld | NetpolIndex): value is NetpolIndex {
  return (value as NetpolIndex).kind === 'netpol-index';
}

export function indexWorld(world: NetpolWorld): NetpolIndex {
  const labelsByNamespace = new Map<string, Labels>();
  for (const ns of valuesOf<NetpolNamespace>(world.namespaces)) {
    // The API server sets this label on every namespace; add it when the model left it out.
    labelsByNamespace.set(ns.name, namespaceNameLabel in ns.labels ? ns.labels : { ...ns.labels, [namespaceNameLabel]: ns.name });
  }
  const podsByKey = new Map<string, NetpolPod>();
  for (const pod of valuesOf<NetpolPod>(world.pods)) podsByKey.set(`${pod.namespace}/${pod.name}`, pod);

  const byNamespace = new Map<string, NamespacePolicies>();
  world.policies.forEach((raw, order) => {
    const policy = compilePolicy(raw, order);
    let entry = byNamespace.get(policy.namespace);
    if (!entry) byNamespace.set(policy.namespace, (entry = { byLabel: new Map(), unindexed: [] }));
    const firstLabel = Object.entries(raw.spec.podSelector?.matchLabels ?? {})[0];
    if (!firstLabel) {
      entry.unindexed.push(policy);
      return;
    }
    const [key, value] = firstLabel;
    let byValue = entry.byLabel.get(key);
    if (!byValue) entry.byLabel.set(key, (byValue = new Map()));
    const list = byValue.get(value);
    if (list) list.push(policy);
    else byValue.set(value, [policy]);
  });

  return {
    kind: 'netpol-index',
    namespaceLabels: (namespace) => labelsByNamespace.get(namespace) ?? { [namespaceNameLabel]: namespace },
    pod: (key) => podsByKey.get(key),
    selecting(pod) {
      const entry = byNamespace.get(pod.namespace);
      if (!entry || pod.hostNetwork) return [];
      const found: CompiledPolicy[] = [];
      for (const policy of entry.unindexed) if (policy.selects(pod.labels)) found.push(policy);
      if (entry.byLabel.size > 0) {
        for (const key in pod.labels) {
          const candidates = entry.byLabel.get(key)?.get(pod.labels[key]);
          if (candidates) for (const policy of candidates) if (policy.selects(pod.labels)) found.push(policy);
        }
      }
      return found.length > 1 ? found.sort((a, b) => a.order - b.order) : found;
    },
  };
}

/** Whether an address falls in an ipBlock peer: inside cidr and outside every except. */
export function ipBlockMatches(block: NonNullable<CompiledPeer['ipBlock']>, ip: string): boolean {
  const address = parseIPv4(ip);
  if (address === null || !block.range || !inRange(address, block.range)) return false;
  return !block.except.some((range) => inRange(address, range));
}
