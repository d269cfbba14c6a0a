import type { LabState } from '../../cluster/types';
import { serviceEndpoints } from '../../services/endpoints';
import type { ServiceState } from '../../services/types';
import { printed, type ViewOutput } from '../output';
import { age } from './human-duration';
import { byStorageKey, column, noResourcesFound, printTable, rowObject, table, type Table } from './table';

export interface GetServicesOptions {
  allNamespaces?: boolean;
  namespace?: string;
  wide?: boolean;
  /** Simulated time of the read (default: the last event's). */
  now?: number;
}

const serviceColumns = [
  column('Name'),
  column('Type'),
  column('Cluster-IP'),
  column('External-IP'),
  column('Port(s)'),
  column('Age'),
  column('Selector', 1),
];

function servicesIn(state: LabState, namespace?: string): ServiceState[] {
  return [...state.services.values()].filter((s) => namespace === undefined || s.namespace === namespace).sort(byStorageKey);
}

/** kubectl's makePortString: "80/TCP", "80:30080/TCP", joined by commas. */
function ports(service: ServiceState): string {
  if (service.ports.length === 0) return '<none>';
  return service.ports.map((p) => `${p.port}${p.nodePort !== null ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',');
}

/** LoadBalancer Services wait for an address HopLab never hands out. */
const externalIP = (service: ServiceState) => (service.type === 'LoadBalancer' ? '<pending>' : '<none>');

const selector = (map: Record<string, string> | null) =>
  map && Object.keys(map).length ? Object.keys(map).sort().map((key) => `${key}=${map[key]}`).join(',') : '<none>';

export function servicesTable(state: LabState, namespace?: string, now = state.time): Table {
  return table(
    state.version,
    serviceColumns,
    servicesIn(state, namespace).map((service) => ({
      cells: [service.name, service.type, service.clusterIP, externalIP(service), ports(service), age(now, service.createdAt), selector(service.selector)],
      object: rowObject(service.name, service.namespace, service.labels, service.uid),
    })),
  );
}

/** `kubectl get svc [-A | -n ns] [-o wide]` */
export function kubectlGetServices(state: LabState, options: GetServicesOptions = {}): ViewOutput {
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  const t = servicesTable(state, namespace, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(namespace), exitCode: 0 };
  return printed(printTable(t, { wide: options.wide, withNamespace: options.allNamespaces }));
}

/**
 * kubectl's formatEndpoints: "ip:port" for every port of every address (ports in the Service's
 * order, addresses by IP as the endpoints controller sorts them), at most 3, then " + N more...".
 */
function endpointsCell(state: LabState, service: ServiceState): string {
  const all: string[] = [];
  for (const { addresses } of serviceEndpoints(state, service)) {
    const sorted = [...addresses].sort((a, b) => (a.address.ip < b.address.ip ? -1 : a.address.ip > b.address.ip ? 1 : 0));
    for (const { address, port } of sorted) all.push(`${address.ip}:${port}`);
  }
  if (all.length === 0) return '<none>';
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

export function endpointsTable(state: LabState, namespace?: string, now = state.time): Table {
  const services = servicesIn(state, namespace).filter((s) => s.selector !== null || (s.namespace === 'default' && s.name === 'kubernetes'));
  return table(
    state.version,
    [column('Name'), column('Endpoints'), column('Age')],
    services.map((service) => ({
      cells: [service.name, endpointsCell(state, service), age(now, service.createdAt)],
      object: rowObject(service.name, service.namespace, service.labels),
    })),
  );
}

/** `kubectl get endpoints [-A | -n ns]` */
export function kubectlGetEndpoints(state: LabState, options: Omit<GetServicesOptions, 'wide'> = {}): ViewOutput {
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  const t = endpointsTable(state, namespace, options.now);
  if (t.rows.length === 0) return { stdout: '', stderr: noResourcesFound(namespace), exitCode: 0 };
  return printed(printTable(t, { withNamespace: options.allNamespaces }));
}
