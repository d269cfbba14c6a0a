import type { LabState } from '../cluster/types';
import { SimulatorError } from '../model/errors';
import { formatIp, parseCidr } from '../net/ipv4';
import { nodeRoute } from './routing';
import { deviceAddress } from '../cni/plugin-node';
import type { FlowEndpoint } from '../netpol';
import { podByIp, resolveDestination, resolveSource, type TraceDestination, type TraceSource } from './endpoints';
import { NeighbourCache } from './neighbour-cache';
import { podBridgeOf } from './plugin-hops';
import { PolicyGate } from './policy-gate';
import { labPolicyIndex } from './policy-world';
import type { TraceOptions, TraceRequest, TraceResult } from './types';
import { NodeNetfilter, nodeOwnAddresses } from './node-netfilter';
import { kubeProxyReplaced } from '../cni/plugins';
import { ciliumBackend, ciliumFrontend } from '../cni/cilium-services';
import { flowPort, Walk, type Location, type Packet } from './walk';

const EPHEMERAL_PORT_BASE = 32768;

function defaultSize(protocol: TraceRequest['protocol']): number {
  return protocol === 'TCP' ? 60 : protocol === 'ICMP' ? 84 : 29;
}

/** The client's source port, derived from the flow so the same request traces the same. */
function sourcePort(request: TraceRequest, src: string, dst: string): number {
  let hash = 0;
  for (const ch of `${src}>${dst}:${request.port}/${request.protocol}`) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  return EPHEMERAL_PORT_BASE + (hash % 28232);
}

/** A node picks the source address of the route's device: flannel.1's /32 for remote pods (10.244.X.0), else the route's src or eth0's. */
function sourceAddress(state: LabState, source: TraceSource, destination: string): string {
  if (source.kind === 'pod') return source.pod.ip;
  if (source.kind === 'external') return source.ip;
  const route = nodeRoute(state, source.node, destination);
  if (route?.dev.startsWith('flannel.')) return formatIp(parseCidr(source.node.podCIDR)!.network);
  return route?.src ?? (route && deviceAddress(source.node, route.dev)) ?? source.node.ip;
}

function startOf(source: TraceSource): Location {
  return source.kind === 'pod' ? { kind: 'pod', pod: source.pod } : source.kind === 'node' ? { kind: 'node', node: source.node, inDev: 'lo' } : { kind: 'internet' };
}

/**
 * Policies see the pod behind a Service: the endpoint the source node's nat rules pick for this flow
 * (a pod's packet meets them in PREROUTING from its bridge, a node's own in OUTPUT).
 */
function policyTarget(state: LabState, source: TraceSource, destination: TraceDestination, packet: Packet, time: number): { endpoint: FlowEndpoint; port?: number } {
  if (destination.kind === 'pod') return { endpoint: destination.pod };
  if (destination.kind !== 'service' || source.kind === 'external') return { endpoint: { ip: destination.ip } };
  const node = source.kind === 'pod' ? state.nodes.get(source.pod.node)! : source.node;
  if (kubeProxyReplaced(state.cluster)) {
    // cilium's socket LB picks the backend at connect(), before any netfilter hook.
    const frontend = ciliumFrontend(state, node, packet.dst, packet.dstPort, packet.protocol, source.kind === 'node' && nodeOwnAddresses(node).includes(packet.dst));
    const backend = frontend && ciliumBackend(frontend, flowPort(packet));
    return backend ? { endpoint: podByIp(state, backend.ip) ?? { ip: backend.ip }, port: backend.port } : { endpoint: { ip: destination.ip } };
  }
  const inDev = source.kind === 'pod' ? (podBridgeOf(state, node)?.name ?? source.pod.vethName) : undefined;
  const result = new NodeNetfilter(state, time).nat(node, packet, inDev, flowPort(packet));
  if (result.verdict.kind !== 'DNAT') return { endpoint: { ip: destination.ip } };
  const pod = podByIp(state, result.verdict.ip);
  return { endpoint: pod ?? { ip: result.verdict.ip }, port: result.verdict.port ?? packet.dstPort };
}

/**
 * Traces one packet (and, for TCP, its SYN-ACK back) through the lab as `state` holds it.
 * Pure: it reads the state and returns hops; ARP caches are passed in `options.neighbours`
 * (from earlier results' `learned`) and age on the simulated clock (`options.now`).
 * Throws SimulatorError for unknown pods/nodes/Services or a missing port.
 */
export function trace(state: LabState, request: TraceRequest, options: TraceOptions = {}): TraceResult {
  if (request.protocol !== 'ICMP' && !(Number.isInteger(request.port) && request.port! >= 1 && request.port! <= 65535)) {
    throw new SimulatorError('invalid', 'port must be between 1 and 65535 (it may only be omitted for ICMP)', 'port');
  }
  if (!['TCP', 'UDP', 'SCTP', 'ICMP'].includes(request.protocol)) {
    throw new SimulatorError('invalid', `protocol must be TCP, UDP, SCTP or ICMP, not ${String(request.protocol)}`, 'protocol');
  }
  const source = resolveSource(state, request.from);
  const destination = resolveDestination(state, request.to);
  const now = options.now ?? state.time;
  const neighbours = new NeighbourCache(options.neighbours ?? [], now);
  const netfilter = new NodeNetfilter(state, now);
  const src = sourceAddress(state, source, destination.ip);
  const packet: Packet = {
    src,
    dst: destination.ip,
    ttl: request.ttl ?? 64,
    protocol: request.protocol,
    length: request.size ?? defaultSize(request.protocol),
    ...(request.protocol === 'ICMP' ? {} : { srcPort: sourcePort(request, src, destination.ip), dstPort: request.port }),
    ...(request.protocol === 'TCP' ? { flags: 'SYN' } : {}),
  };
  const target = policyTarget(state, source, destination, packet, now);
  const gate = new PolicyGate(state, labPolicyIndex(state), source.kind === 'pod' ? source.pod : null, target.endpoint, packet, target.port);
  const forward = new Walk(state, packet, neighbours, gate, false, netfilter);
  const end = forward.run(startOf(source));
  const hops = forward.hops;
  if (end.verdict === 'delivered' && end.at && (request.protocol === 'TCP' || request.protocol === 'ICMP') && source.kind !== 'external') {
    const reply: Packet = {
      src: packet.dst,
      dst: packet.src,
      ttl: 64,
      protocol: packet.protocol,
      length: packet.length,
      ...(packet.protocol === 'TCP' ? { srcPort: packet.dstPort, dstPort: packet.srcPort, flags: 'SYN,ACK' } : {}),
    };
    const back = new Walk(state, reply, neighbours, gate, true, netfilter, hops);
    back.nat.push(...forward.nat);
    back.push({ ...hops[hops.length - 1], layer: 'L4', action: 'conntrack', summary: 'The reply belongs to a tracked connection (conntrack ESTABLISHED): policies let it through without evaluation.', rule: 'conntrack' });
    back.run(end.at);
  }
  const explanation = end.recovery ? `${end.reason}. ${end.recovery}` : gate.explanation || `${end.reason}.`;
  return {
    verdict: end.verdict,
    reason: end.reason,
    explanation,
    ...(end.errno ? { errno: end.errno } : {}),
    hops,
    ...(forward.deliveredTtl !== undefined && end.verdict !== 'dropped' && end.verdict !== 'unreachable' ? { deliveredTtl: forward.deliveredTtl } : {}),
    routeAddresses: forward.routeAddresses,
    traversed: netfilter.traversed,
    learned: neighbours.learned,
  };
}
