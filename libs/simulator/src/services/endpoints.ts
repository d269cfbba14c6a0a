import type { LabState, PodState } from '../cluster/types';
import { podsWithLabels } from './pod-index';
import { selects } from './selector';
import type { ServicePortState, ServiceState } from './types';

/** minikube's API server listens on 8443 on each control-plane node. */
export const APISERVER_PORT = 8443;

export interface EndpointAddress {
  ip: string;
  nodeName: string;
  /** "namespace/name" of the pod; undefined for the API server's own endpoints. */
  pod?: string;
}

/** One service port's ready endpoints: the port number each address serves it on. */
export interface PortEndpoints {
  port: ServicePortState;
  addresses: { address: EndpointAddress; port: number }[];
}

/** Ready in the endpoint controller's sense: Running, with an address. */
export function isReadyEndpoint(pod: PodState): boolean {
  return pod.phase === 'Running' && pod.ip !== '';
}

/** A named targetPort resolves per pod to its container port of that name and protocol; a pod without one is skipped. */
export function resolveTargetPort(pod: PodState, port: ServicePortState): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  for (const container of pod.containers) {
    for (const containerPort of container.ports) {
      if (containerPort.name === port.targetPort && containerPort.protocol === port.protocol) return containerPort.containerPort;
    }
  }
  return undefined;
}

/**
 * The endpoint controller, as a derivation: for each port of the Service, the ready pods its
 * selector matches with their resolved port. default/kubernetes is the API server on every
 * control-plane node. A Service without a selector (other than that one) has none. Addresses come
 * in pod-key order.
 */
export function serviceEndpoints(state: LabState, service: ServiceState): PortEndpoints[] {
  if (service.namespace === 'default' && service.name === 'kubernetes') {
    const masters = [...state.nodes.values()].filter((node) => node.role === 'control-plane');
    return service.ports.map((port) => ({
      port,
      addresses: masters.map((node) => ({ address: { ip: node.ip, nodeName: node.name }, port: APISERVER_PORT })),
    }));
  }
  const selector = service.selector;
  if (selector === null || Object.keys(selector).length === 0) return service.ports.map((port) => ({ port, addresses: [] }));
  const keys: string[] = [];
  for (const key of podsWithLabels(state, service.namespace, selector)) {
    const pod = state.pods.get(key);
    if (pod && isReadyEndpoint(pod) && selects(selector, pod.labels)) keys.push(key);
  }
  // By pod key: the same order however the index was built (replayed or live).
  const pods = keys.sort().map((key) => state.pods.get(key)!);
  return service.ports.map((port) => {
    const addresses: PortEndpoints['addresses'] = [];
    for (const pod of pods) {
      const number = resolveTargetPort(pod, port);
      if (number !== undefined) addresses.push({ address: { ip: pod.ip, nodeName: pod.node, pod: `${pod.namespace}/${pod.name}` }, port: number });
    }
    return { port, addresses };
  });
}
