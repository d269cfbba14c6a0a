import type { LabState, PodState } from '../cluster/types';
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

/**
 * Pods by "namespace/key=value" label, rebuilt once per state version: a selector only needs the
 * pods of its rarest label (10,000 Services over 100,000 pods).
 */
const podIndex = new WeakMap<LabState, { version: number; byLabel: Map<string, PodState[]> }>();

function candidates(state: LabState, namespace: string, selector: Record<string, string>): readonly PodState[] {
  let index = podIndex.get(state);
  if (!index || index.version !== state.version) {
    const byLabel = new Map<string, PodState[]>();
    for (const pod of state.pods.values()) {
      for (const key in pod.labels) {
        const label = `${pod.namespace}/${key}=${pod.labels[key]}`;
        const list = byLabel.get(label);
        if (list) list.push(pod);
        else byLabel.set(label, [pod]);
      }
    }
    podIndex.set(state, (index = { version: state.version, byLabel }));
  }
  let best: readonly PodState[] | undefined;
  for (const key in selector) {
    const list = index.byLabel.get(`${namespace}/${key}=${selector[key]}`) ?? [];
    if (!best || list.length < best.length) best = list;
  }
  return best ?? [];
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
 * control-plane node. A Service without a selector (other than that one) has none.
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
  const pods = candidates(state, service.namespace, selector).filter((pod) => isReadyEndpoint(pod) && selects(selector, pod.labels));
  return service.ports.map((port) => {
    const addresses: PortEndpoints['addresses'] = [];
    for (const pod of pods) {
      const number = resolveTargetPort(pod, port);
      if (number !== undefined) addresses.push({ address: { ip: pod.ip, nodeName: pod.node, pod: `${pod.namespace}/${pod.name}` }, port: number });
    }
    return { port, addresses };
  });
}
