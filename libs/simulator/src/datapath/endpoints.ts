import type { LabState, NodeState, PodState } from '../cluster/types';
import { SimulatorError } from '../model/errors';
import type { ServiceState } from '../services/types';
import { parseIp } from '../net/ipv4';
import { nodeOwningPodAddress } from './routing';
import type { TraceEndpointInput } from './types';

export type TraceSource = { kind: 'pod'; pod: PodState } | { kind: 'node'; node: NodeState } | { kind: 'external'; ip: string };

export type TraceDestination =
  | { kind: 'pod'; pod: PodState; ip: string }
  | { kind: 'node'; node: NodeState; ip: string }
  | { kind: 'service'; service: ServiceState; ip: string }
  | { kind: 'address'; ip: string };

function requirePod(state: LabState, key: string, field: string): PodState {
  const pod = state.pods.get(key);
  if (!pod) throw new SimulatorError('not-found', `pods "${key.slice(key.indexOf('/') + 1)}" not found in namespace "${key.split('/')[0]}"`, field);
  if (pod.ip === '') throw new SimulatorError('invalid', `pod ${key} has no address yet (phase ${pod.phase})`, field);
  return pod;
}

function requireNode(state: LabState, name: string, field: string): NodeState {
  const node = state.nodes.get(name);
  if (!node) throw new SimulatorError('not-found', `nodes "${name}" not found`, field);
  return node;
}

function requireService(state: LabState, key: string, field: string): ServiceState {
  const service = state.services?.get(key);
  if (!service) throw new SimulatorError('not-found', `services "${key.slice(key.indexOf('/') + 1)}" not found`, field);
  return service;
}

function requireIp(ip: string, field: string): string {
  if (parseIp(ip) === undefined) throw new SimulatorError('invalid', `"${ip}" is not an IPv4 address`, field);
  return ip;
}

export function resolveSource(state: LabState, input: TraceEndpointInput): TraceSource {
  if (typeof input === 'string') {
    if (parseIp(input) !== undefined) return sourceByIp(state, input);
    return { kind: 'pod', pod: requirePod(state, input.includes('/') ? input : `default/${input}`, 'from') };
  }
  if ('pod' in input) return { kind: 'pod', pod: requirePod(state, input.pod, 'from.pod') };
  if ('node' in input) return { kind: 'node', node: requireNode(state, input.node, 'from.node') };
  if ('ip' in input) return sourceByIp(state, requireIp(input.ip, 'from.ip'));
  throw new SimulatorError('invalid', 'a trace starts at a pod, a node or an external address', 'from');
}

/** The pod holding `ip`, found through the node whose podCIDR contains it (no scan of 150,000 pods). */
export function podByIp(state: LabState, ip: string): PodState | undefined {
  const node = nodeOwningPodAddress(state, parseIp(ip)!);
  const key = node?.allocated.get(ip);
  return key === undefined ? undefined : state.pods.get(key);
}

function sourceByIp(state: LabState, ip: string): TraceSource {
  const pod = podByIp(state, ip);
  if (pod) return { kind: 'pod', pod };
  for (const node of state.nodes.values()) if (node.ip === ip) return { kind: 'node', node };
  return { kind: 'external', ip };
}

/** "y/b" (pod), "db.default" (Service name), an address, or an explicit object. */
export function resolveDestination(state: LabState, input: TraceEndpointInput): TraceDestination {
  if (typeof input === 'string') {
    if (parseIp(input) !== undefined) return destinationByIp(state, input);
    if (input.includes('/')) {
      const pod = requirePod(state, input, 'to');
      return { kind: 'pod', pod, ip: pod.ip };
    }
    const [name, namespace = 'default'] = input.replace(/\.svc(\.cluster\.local)?$/, '').split('.');
    const service = requireService(state, `${namespace}/${name}`, 'to');
    return { kind: 'service', service, ip: service.clusterIP };
  }
  if ('pod' in input) {
    const pod = requirePod(state, input.pod, 'to.pod');
    return { kind: 'pod', pod, ip: pod.ip };
  }
  if ('node' in input) {
    const node = requireNode(state, input.node, 'to.node');
    return { kind: 'node', node, ip: node.ip };
  }
  if ('service' in input) {
    const service = requireService(state, input.service, 'to.service');
    return { kind: 'service', service, ip: service.clusterIP };
  }
  return destinationByIp(state, requireIp(input.ip, 'to.ip'));
}

function destinationByIp(state: LabState, ip: string): TraceDestination {
  const pod = podByIp(state, ip);
  if (pod) return { kind: 'pod', pod, ip };
  for (const node of state.nodes.values()) if (node.ip === ip) return { kind: 'node', node, ip };
  for (const service of state.services?.values() ?? []) if (service.clusterIP === ip) return { kind: 'service', service, ip };
  return { kind: 'address', ip };
}
