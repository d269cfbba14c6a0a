import { sha256Base32 } from './go-base32';

/** ServicePortName.String(): "ns/name", plus ":port" only for a named port. */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** portProtoHash: shared by KUBE-SVC-, KUBE-SVL-, KUBE-EXT- and KUBE-FW- chains. */
export function servicePortHash(spn: string, protocol: string): string {
  return sha256Base32('', spn + protocol.toLowerCase());
}

/** net.JoinHostPort. */
export function endpointString(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** KUBE-SEP-<hash> of "spn" + lower-case protocol + "ip:port" (`spnProtocol` is the first two, joined). */
export function endpointChainNameOf(spnProtocol: string, endpoint: string): string {
  return sha256Base32('KUBE-SEP-', spnProtocol + endpoint);
}

export function endpointChainName(spn: string, protocol: string, endpoint: string): string {
  return endpointChainNameOf(spn + protocol.toLowerCase(), endpoint);
}
