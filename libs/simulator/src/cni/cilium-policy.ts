import { oncePerVersion } from '../cluster/once-per-version';
import type { LabState, PodState } from '../cluster/types';
import { cidrContains, parseCidr, parseIp } from '../net/ipv4';
import { matchesSelector } from '../netpol';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../netpol/types';
import { securityIdentity } from './hubble';

/**
 * cilium's NetworkPolicy enforcement: identity-based policy maps per endpoint, looked up by the
 * eBPF program of the endpoint's lxc device (egress as the packet leaves the pod, ingress before
 * it is delivered). A peer selected by labels becomes the security identities of the matching
 * pods; an ipBlock becomes CIDR identities, which only addresses outside the cluster carry: a pod
 * is always known by its own identity, so an ipBlock never matches pod IPs (cilium/cilium#9209,
 * "ipBlock set with a pod IP" in cilium's list of missing NetworkPolicy features), nor node IPs
 * (reserved:host / reserved:remote-node).
 */
export type Remote =
  | { kind: 'pod'; pod: PodState; identity: number }
  | { kind: 'host' | 'remote-node' | 'world'; identity: number; ip: number };

/** Reserved identities (pkg/identity/numericidentity.go). */
export const RESERVED = { host: 1, world: 2, 'remote-node': 6 } as const;

export interface PolicyEntry {
  /**
   * Who: the identities whose labels a selector matches (an identity's labels are its pods' labels
   * and their namespace's, so a remote pod is tested by its own labels), or a CIDR block minus its excepts.
   */
  peer: { kind: 'selector'; namespace: string; peer: NetworkPolicyPeer } | { kind: 'cidr'; cidr: string; except: string[] } | { kind: 'any' };
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'ANY';
  ports?: { from: number; to: number };
  /** The policy ("ns/name") that put the entry there. */
  policy: string;
}

/** An endpoint's map per direction; null when no policy selects it that way (everything allowed). */
export interface EndpointPolicy {
  ingress: PolicyEntry[] | null;
  egress: PolicyEntry[] | null;
}

export function podIdentity(pod: PodState): number {
  return securityIdentity(pod.namespace, pod.labels);
}

function onPodNetwork(pod: PodState): boolean {
  return pod.ip !== '' && !pod.hostNetwork && pod.phase === 'Running';
}

/** Pod-network pods by address, once per lab version. */
const podsByIp = oncePerVersion((state) => {
  const byIp = new Map<string, PodState>();
  for (const pod of state.pods.values()) if (onPodNetwork(pod)) byIp.set(pod.ip, pod);
  return byIp;
});

/** The identity an address has in the ipcache. */
export function remoteOf(state: LabState, ip: string): Remote {
  const pod = podsByIp(state).get(ip);
  if (pod) return { kind: 'pod', pod, identity: podIdentity(pod) };
  const address = parseIp(ip)!;
  for (const node of state.nodes.values()) if (node.ip === ip || node.pluginNet?.devices.some((device) => device.address?.startsWith(`${ip}/`))) return { kind: 'remote-node', identity: RESERVED['remote-node'], ip: address };
  return { kind: 'world', identity: RESERVED.world, ip: address };
}

/** Whether the identity of `pod` carries the labels `peer` selects (policies in `namespace`). */
function selectsIdentity(state: LabState, namespace: string, peer: NetworkPolicyPeer, pod: PodState): boolean {
  const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, state.namespaces.get(pod.namespace)?.labels ?? {}) : pod.namespace === namespace;
  return nsOk && (!peer.podSelector || matchesSelector(peer.podSelector, pod.labels));
}

function namedPort(pod: PodState | undefined, name: string, protocol: string): number | undefined {
  for (const container of pod?.containers ?? []) for (const port of container.ports) if (port.name === name && port.protocol === protocol) return port.containerPort;
  return undefined;
}

/**
 * The L4 part of a rule. Named ports resolve against the pod that serves them: the endpoint itself
 * for ingress, the destination for egress (cilium's named-port map); unresolved names allow nothing.
 */
function l4(port: NetworkPolicyPort | undefined, server: PodState | undefined): Pick<PolicyEntry, 'protocol' | 'ports'> | undefined {
  if (!port) return { protocol: 'ANY' };
  const protocol = port.protocol ?? 'TCP';
  if (port.port === undefined) return { protocol };
  if (typeof port.port === 'string') {
    const number = namedPort(server, port.port, protocol);
    return number === undefined ? undefined : { protocol, ports: { from: number, to: number } };
  }
  return { protocol, ports: { from: port.port, to: port.endPort ?? port.port } };
}

function selects(policy: NetworkPolicy, pod: PodState): boolean {
  return policy.metadata.namespace === pod.namespace && matchesSelector(policy.spec.podSelector, pod.labels);
}

/** The endpoint's policy maps; `server` is the pod named ports resolve against for egress. */
export function endpointPolicy(state: LabState, pod: PodState, server?: PodState): EndpointPolicy {
  const result: EndpointPolicy = { ingress: null, egress: null };
  for (const { policy } of state.networkPolicies.values()) {
    if (!selects(policy, pod)) continue;
    const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
    for (const direction of ['ingress', 'egress'] as const) {
      if (!(policy.spec.policyTypes ?? ['Ingress']).includes(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
      const entries = (result[direction] ??= []);
      for (const rule of policy.spec[direction] ?? []) {
        const peers = ('from' in rule ? rule.from : (rule as { to?: NetworkPolicyPeer[] }).to) ?? [];
        const ports = rule.ports && rule.ports.length > 0 ? rule.ports : [undefined];
        for (const port of ports) {
          const layer4 = l4(port, direction === 'ingress' ? pod : server);
          if (!layer4) continue;
          if (peers.length === 0) entries.push({ peer: { kind: 'any' }, ...layer4, policy: key });
          for (const peer of peers) {
            const resolved: PolicyEntry['peer'] = peer.ipBlock ? { kind: 'cidr', cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } : { kind: 'selector', namespace: policy.metadata.namespace, peer };
            entries.push({ peer: resolved, ...layer4, policy: key });
          }
        }
      }
    }
  }
  return result;
}

function entryAllows(state: LabState, entry: PolicyEntry, remote: Remote, protocol: string, port: number | undefined): boolean {
  if (entry.protocol !== 'ANY' && entry.protocol !== protocol) return false;
  if (entry.ports && (port === undefined || port < entry.ports.from || port > entry.ports.to)) return false;
  const peer = entry.peer;
  if (peer.kind === 'any') return true;
  if (peer.kind === 'selector') return remote.kind === 'pod' && selectsIdentity(state, peer.namespace, peer.peer, remote.pod);
  if (remote.kind !== 'world') return false;
  const inside = (cidr: string) => cidrContains(parseCidr(cidr, false)!, remote.ip);
  return inside(peer.cidr) && !peer.except.some(inside);
}

export type CiliumVerdict = { allowed: true; reason?: 'localhost' } | { allowed: false; direction: 'egress' | 'ingress'; endpoint: PodState; remote: Remote; policies: string[] };

/**
 * One direction of cilium's check of a new connection from `src` to `dst` (`port` undefined for
 * ICMP): egress in the source pod's map, ingress in the destination pod's. Traffic from the
 * destination's own node (reserved:host) is let in whatever the policies (allow-localhost=policy
 * lets host health checks through).
 */
export function ciliumDirectionVerdict(state: LabState, direction: 'egress' | 'ingress', src: string, dst: string, protocol: string, port: number | undefined): CiliumVerdict {
  if (state.networkPolicies.size === 0) return { allowed: true };
  const source = remoteOf(state, src);
  const destination = remoteOf(state, dst);
  if (source.kind === 'pod' && destination.kind === 'pod' && source.pod === destination.pod) return { allowed: true };
  const endpoint = direction === 'egress' ? source : destination;
  if (endpoint.kind !== 'pod') return { allowed: true };
  const remote = direction === 'egress' ? destination : source;
  if (direction === 'ingress' && remote.kind === 'remote-node' && remote.ip === parseIp(state.nodes.get(endpoint.pod.node)?.ip ?? '')) return { allowed: true, reason: 'localhost' };
  const map = endpointPolicy(state, endpoint.pod, direction === 'egress' && destination.kind === 'pod' ? destination.pod : undefined)[direction];
  if (map === null || map.some((entry) => entryAllows(state, entry, remote, protocol, port))) return { allowed: true };
  return { allowed: false, direction, endpoint: endpoint.pod, remote, policies: [...new Set(map.map((entry) => entry.policy))] };
}

/** Whether cilium lets a new connection from `src` to `dst` through: egress, then ingress. */
export function ciliumPolicyVerdict(state: LabState, src: string, dst: string, protocol: string, port: number | undefined): CiliumVerdict {
  const egress = ciliumDirectionVerdict(state, 'egress', src, dst, protocol, port);
  return egress.allowed ? ciliumDirectionVerdict(state, 'ingress', src, dst, protocol, port) : egress;
}
