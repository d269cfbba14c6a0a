import { hash } from 'node:crypto';

interface SlicePort {
  name: string;
  protocol: string;
  port: number;
}

/**
 * go-spew's `%#v` of a discovery/v1 EndpointPort as the controller builds it (every field a
 * pointer, AppProtocol nil here): the `#` flag prints each pointer's type and then its value;
 * addresses only come with the `+` flag, which the controller's hash never uses.
 */
const spew = (port: SlicePort) =>
  `(v1.EndpointPort){Name:(*string)${port.name} Protocol:(*v1.Protocol)${port.protocol} Port:(*int32)${port.port} AppProtocol:(*string)<nil>}`;

/**
 * The order the endpoint slice controller leaves a slice's ports in: NewPortMapKey sorts them in
 * place (portsInOrder) by the hex md5 of each port's spew text (DeepHashObjectToString) before
 * hashing the list, and the slice keeps that slice of ports. Deterministic (no addresses in the
 * text), and what real clusters of the versions HopLab models (1.26, 1.32) print: kube-dns's
 * ports as 9153,53,53. (Kubernetes 1.35 hashes with FNV-1a instead, giving 53,53,9153; 1.18-1.20's
 * discovery/v1beta1 type name gave 53,9153,53.)
 */
export function controllerPortOrder<T extends SlicePort>(ports: readonly T[]): T[] {
  const keyed = ports.map((port) => ({ port, key: hash('md5', spew(port), 'hex') }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ port }) => port);
}
