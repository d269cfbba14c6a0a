import { hash } from 'node:crypto';
import type { LabState, PodState } from '../cluster/types';
import { KUBE_NAME_ALPHABET } from '../cluster/names';
import { APISERVER_PORT, isReadyEndpoint, resolveTargetPort } from './endpoints';
import { podsWithLabels } from './pod-index';
import { controllerPortOrder } from './slice-port-order';
import { selects } from './selector';
import type { PortProtocol, ServiceState } from './types';

/** The endpoint slice controller's maxEndpointsPerSlice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface EndpointSlicePort {
  /** "" for an unnamed service port, as the controller writes it. */
  name: string;
  protocol: PortProtocol;
  port: number;
}

export interface EndpointSliceEndpoint {
  ip: string;
  /** Absent on the API server's own endpoints (its reconciler writes addresses and readiness only). */
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The pod behind the address; absent for the API server's own endpoints. */
  pod?: { namespace: string; name: string; uid: string };
}

export interface EndpointSliceView {
  namespace: string;
  name: string;
  /** kubernetes.io/service-name */
  service: string;
  /** endpointslice.kubernetes.io/managed-by; absent on the API server's own slice. */
  managedBy?: string;
  /** metadata.generateName of the controller's slices. */
  generateName?: string;
  /** On the controller's slices: the Service's labels, kubernetes.io/service-name and managed-by. */
  labels: Record<string, string>;
  createdAt: number;
  addressType: 'IPv4';
  /** Empty on the placeholder slice of a Service without endpoints. */
  ports: EndpointSlicePort[];
  endpoints: EndpointSliceEndpoint[];
}

const CONTROLLER = 'endpointslice-controller.k8s.io';

/**
 * generateName's 5 random characters, decided from the Service's uid so that replays and every
 * reader give the slice the same name. The controller keeps a slice's name while updating it.
 */
function suffix(uid: string, index: number): string {
  const digest = hash('sha256', `${uid}/${index}`, 'buffer');
  let out = '';
  for (let i = 0; i < 5; i++) out += KUBE_NAME_ALPHABET[digest[i] % KUBE_NAME_ALPHABET.length];
  return out;
}

/** The controller's generateName: "<service>-". */
export const sliceGenerateName = (service: string) => `${service}-`;

/** The API server's name generator cuts the base to 58 characters before the 5 of the suffix. */
const sliceName = (service: ServiceState, index: number) => `${sliceGenerateName(service.name).slice(0, 58)}${suffix(service.uid, index)}`;

function readyPods(state: LabState, service: ServiceState, selector: Record<string, string>): PodState[] {
  const keys: string[] = [];
  for (const key of podsWithLabels(state, service.namespace, selector)) {
    const pod = state.pods.get(key);
    if (pod && isReadyEndpoint(pod) && selects(selector, pod.labels)) keys.push(key);
  }
  return keys.sort().map((key) => state.pods.get(key)!);
}

/**
 * The EndpointSlices of one Service, as the endpoint slice controller keeps them: pods grouped by
 * the ports they resolve the Service's ports to (listed in the controller's order), at most 100
 * per slice; a placeholder without ports or endpoints when no pod is ready. default/kubernetes has
 * the API server's own slice, named after the Service. Other Services without a selector have none.
 */
export function serviceEndpointSlices(state: LabState, service: ServiceState): EndpointSliceView[] {
  const labels = { ...service.labels, 'kubernetes.io/service-name': service.name };
  const base = { namespace: service.namespace, service: service.name, createdAt: service.createdAt, addressType: 'IPv4' as const, labels };
  const managed = { managedBy: CONTROLLER, generateName: sliceGenerateName(service.name), labels: { ...labels, 'endpointslice.kubernetes.io/managed-by': CONTROLLER } };
  if (service.namespace === 'default' && service.name === 'kubernetes') {
    const masters = [...state.nodes.values()].filter((node) => node.role === 'control-plane');
    // The API server's reconciler labels its slice with the service name only.
    return [{
      ...base,
      labels: { 'kubernetes.io/service-name': service.name },
      name: service.name,
      ports: service.ports.map((port) => ({ name: port.name, protocol: port.protocol, port: APISERVER_PORT })),
      endpoints: masters.map((node) => ({ ip: node.ip, ready: true, serving: true, terminating: false })),
    }];
  }
  const selector = service.selector;
  if (selector === null || Object.keys(selector).length === 0) return [];
  const groups = new Map<string, { ports: EndpointSlicePort[]; pods: PodState[] }>();
  for (const pod of readyPods(state, service, selector)) {
    const ports: EndpointSlicePort[] = [];
    for (const port of service.ports) {
      const number = resolveTargetPort(pod, port);
      if (number !== undefined) ports.push({ name: port.name, protocol: port.protocol, port: number });
    }
    const key = ports.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports: controllerPortOrder(ports), pods: [] }));
    group.pods.push(pod);
  }
  const slices: EndpointSliceView[] = [];
  for (const { ports, pods } of groups.values()) {
    for (let start = 0; start < pods.length; start += MAX_ENDPOINTS_PER_SLICE) {
      slices.push({
        ...base,
        name: sliceName(service, slices.length),
        ...managed,
        ports,
        endpoints: pods.slice(start, start + MAX_ENDPOINTS_PER_SLICE).map((pod) => ({
          ip: pod.ip,
          nodeName: pod.node,
          ready: true,
          serving: true,
          terminating: false,
          pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid },
        })),
      });
    }
  }
  if (slices.length === 0) slices.push({ ...base, ...managed, name: sliceName(service, 0), ports: [], endpoints: [] });
  return slices;
}

/** Every EndpointSlice of a namespace (undefined: all), by namespace and name. */
export function endpointSlices(state: LabState, namespace?: string): EndpointSliceView[] {
  const slices: EndpointSliceView[] = [];
  for (const service of state.services.values()) {
    if (namespace === undefined || service.namespace === namespace) slices.push(...serviceEndpointSlices(state, service));
  }
  return slices.sort((a, b) => (a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function listWithMore(list: string[]): string {
  const shown = list.slice(0, 3).join(',');
  if (list.length > 3) return `${shown} + ${list.length - 3} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** kubectl's PORTS column of an EndpointSlice (formatDiscoveryPorts). */
export const formatSlicePorts = (ports: readonly { port?: number | null; name?: string | null }[]) =>
  listWithMore(ports.map((p) => (p.port != null ? `${p.port}` : (p.name ?? '*'))));

/** kubectl's ENDPOINTS column of an EndpointSlice (formatDiscoveryEndpoints). */
export const formatSliceEndpoints = (endpoints: readonly { addresses: readonly string[] }[]) => listWithMore(endpoints.flatMap((e) => e.addresses));
