import { hash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first 16 characters of Go's base32.StdEncoding of sha256(text): 10 bytes, so never padded. */
function hash16(text: string): string {
  // The one-shot hash: a Hash object per name costs more than the digest at 100,000 endpoints.
  const digest = hash('sha256', text, 'buffer');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    buffer = (buffer << 8) | digest[i];
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** sha256 dominates a 100,000-endpoint build; the names never change for the same inputs. */
const cache = new Map<string, string>();

function cachedHash(text: string): string {
  let hash = cache.get(text);
  if (hash === undefined) {
    hash = hash16(text);
    cache.set(text, hash);
  }
  return hash;
}

/** ServicePortName.String(): "ns/name", plus ":port" only for a named port. */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** portProtoHash: shared by KUBE-SVC-, KUBE-SVL-, KUBE-EXT- and KUBE-FW- chains. */
export function servicePortHash(spn: string, protocol: string): string {
  return cachedHash(spn + protocol.toLowerCase());
}

/** net.JoinHostPort. */
export function endpointString(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** SEP chain names per "spn+protocol", then per endpoint: no long concatenated key to hash per lookup. */
const endpointNames = new Map<string, Map<string, string>>();

export function endpointChainName(spn: string, protocol: string, endpoint: string): string {
  const prefix = spn + protocol.toLowerCase();
  let names = endpointNames.get(prefix);
  if (!names) endpointNames.set(prefix, (names = new Map()));
  let name = names.get(endpoint);
  if (name === undefined) {
    name = `KUBE-SEP-${hash16(prefix + endpoint)}`;
    names.set(endpoint, name);
  }
  return name;
}
