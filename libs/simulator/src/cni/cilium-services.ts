import type { LabState, NodeState } from '../cluster/types';
import { servicePortName } from '../kube-proxy/chain-names';
import type { EndpointInput } from '../kube-proxy/types';
import { clusterServices } from '../node-iptables/kube-proxy-input';
import { kubeProxyReplaced } from './plugins';

/**
 * cilium's eBPF load balancer with kube-proxy replacement: one frontend per Service port
 * (ClusterIP, and for NodePort Services the node's own address and the 0.0.0.0 surrogate), each
 * with the ready endpoints as backends, as `cilium-dbg service list` shows the agent's lb4 maps.
 * IDs are handed out in the order the agent learnt the Services (the lab's order).
 */
export interface CiliumFrontend {
  id: number;
  address: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  type: 'ClusterIP' | 'NodePort';
  /** "namespace/name" of the Service. */
  service: string;
  backends: readonly EndpointInput[];
}

export function ciliumFrontends(state: LabState, node: NodeState): CiliumFrontend[] {
  const { services, endpoints } = clusterServices(state);
  const frontends: CiliumFrontend[] = [];
  const nodePorts = kubeProxyReplaced(state.cluster);
  for (const service of services) {
    if (service.clusterIP === 'None' || service.clusterIP === '') continue;
    for (const port of service.ports) {
      const backends = (endpoints.get(servicePortName(service.namespace, service.name, port.name)) ?? []).filter((endpoint) => endpoint.ready);
      const base = { port: port.port, protocol: port.protocol, service: `${service.namespace}/${service.name}`, backends };
      frontends.push({ id: frontends.length + 1, address: service.clusterIP, type: 'ClusterIP', ...base });
      // NodePorts are kube-proxy's unless cilium replaces it.
      if (nodePorts && port.nodePort !== undefined && service.type !== 'ClusterIP') {
        for (const address of [node.ip, '0.0.0.0']) frontends.push({ id: frontends.length + 1, address, type: 'NodePort', ...base, port: port.nodePort });
      }
    }
  }
  return frontends;
}

/** The frontend a packet to `address`:`port` hits on `node` (a NodePort on any of the node's addresses). */
export function ciliumFrontend(state: LabState, node: NodeState, address: string, port: number | undefined, protocol: string, nodeAddress: boolean): CiliumFrontend | undefined {
  if (port === undefined) return undefined;
  return ciliumFrontends(state, node).find(
    (frontend) =>
      frontend.port === port &&
      frontend.protocol === protocol &&
      (frontend.type === 'ClusterIP' ? frontend.address === address : nodeAddress && frontend.address === '0.0.0.0'),
  );
}

/** The backend a flow gets: the eBPF LB hashes the flow (conntrack pins it afterwards). */
export function ciliumBackend(frontend: CiliumFrontend, flowHash: number): EndpointInput | undefined {
  if (frontend.backends.length === 0) return undefined;
  return frontend.backends[(flowHash >>> 0) % frontend.backends.length];
}

/** Go's text/tabwriter with minwidth 5, padding 3, as cilium-dbg prints its tables. */
function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(5, widths[i] + 3)))).join('').trimEnd() + '\n').join('');
}

/** `cilium-dbg service list` on the agent of `node`. */
export function renderCiliumServiceList(state: LabState, node: NodeState): string {
  const rows: string[][] = [['ID', 'Frontend', 'Service Type', 'Backend']];
  for (const frontend of ciliumFrontends(state, node)) {
    const backends = frontend.backends.map((backend, i) => `${i + 1} => ${backend.ip}:${backend.port}/${frontend.protocol} (active)`);
    rows.push([String(frontend.id), `${frontend.address}:${frontend.port}/${frontend.protocol}`, frontend.type, backends[0] ?? '']);
    for (const backend of backends.slice(1)) rows.push(['', '', '', backend]);
  }
  return tabulate(rows);
}
