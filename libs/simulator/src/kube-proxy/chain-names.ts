import { hash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_CODES = [...BASE32].map((c) => c.charCodeAt(0));

/** The value of a lowercase hex digit's char code. */
const hexValue = (code: number) => (code <= 57 ? code - 48 : code - 87);

/**
 * `prefix` and the first 16 characters of Go's base32.StdEncoding of sha256(text): 10 bytes, so never
 * padded. Each 5 hex digits of the digest are 20 bits, 4 base32 digits. A hex string digest is about
 * three times cheaper to get from node's one-shot hash than a Buffer, at 111,000 names per build; the
 * name is made as one flat string (no slices, no string of concatenations kept per chain).
 */
function hashName(prefix: string, text: string): string {
  const hex = hash('sha256', text, 'hex');
  const codes: number[] = new Array(prefix.length + 16);
  for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
  const at = prefix.length;
  for (let group = 0; group < 4; group++) {
    let bits = 0;
    for (let i = group * 5; i < group * 5 + 5; i++) bits = bits * 16 + hexValue(hex.charCodeAt(i));
    codes[at + group * 4] = BASE32_CODES[bits >>> 15];
    codes[at + group * 4 + 1] = BASE32_CODES[(bits >>> 10) & 31];
    codes[at + group * 4 + 2] = BASE32_CODES[(bits >>> 5) & 31];
    codes[at + group * 4 + 3] = BASE32_CODES[bits & 31];
  }
  return String.fromCharCode.apply(null, codes);
}

const hash16 = (text: string) => hashName('', text);

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

/** KUBE-SEP-<hash> names of one service port's endpoints ("ip:port"), from a cache kept per service port. */
export function endpointChainNamer(spn: string, protocol: string): (endpoint: string) => string {
  const prefix = spn + protocol.toLowerCase();
  let names = endpointNames.get(prefix);
  if (!names) endpointNames.set(prefix, (names = new Map()));
  const cache = names;
  return (endpoint) => {
    let name = cache.get(endpoint);
    if (name === undefined) {
      name = hashName('KUBE-SEP-', prefix + endpoint);
      cache.set(endpoint, name);
    }
    return name;
  };
}

export function endpointChainName(spn: string, protocol: string, endpoint: string): string {
  return endpointChainNamer(spn, protocol)(endpoint);
}
