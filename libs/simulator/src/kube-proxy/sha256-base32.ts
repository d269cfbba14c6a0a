import { sha256Words } from './sha256-wasm';

/**
 * The first 16 characters of Go's base32.StdEncoding of a sha256 digest: the part kube-proxy's
 * chain names keep (10 bytes: never padded).
 */

const BASE32 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].map((c) => c.charCodeAt(0));
/** The char codes of the last prefix and 16 slots for the hash: one array of fixed length while the prefix stays. */
let codes: number[] = [];
let codesPrefix: string | undefined;

/**
 * `prefix` followed by the first 16 base32 characters of sha256(text + more), made as one flat
 * string (`more`: no joined text to make per name).
 */
export function sha256Base32(prefix: string, text: string, more = ''): string {
  const words = sha256Words(text, more);
  const h0 = words[0];
  const h1 = words[1];
  const h2 = words[2];
  if (prefix !== codesPrefix) {
    codesPrefix = prefix;
    codes = [...prefix].map((c) => c.charCodeAt(0)).concat(new Array<number>(16).fill(0));
  }
  const c = codes;
  let i = prefix.length;
  c[i++] = BASE32[h0 >>> 27];
  c[i++] = BASE32[(h0 >>> 22) & 31];
  c[i++] = BASE32[(h0 >>> 17) & 31];
  c[i++] = BASE32[(h0 >>> 12) & 31];
  c[i++] = BASE32[(h0 >>> 7) & 31];
  c[i++] = BASE32[(h0 >>> 2) & 31];
  c[i++] = BASE32[((h0 & 3) << 3) | (h1 >>> 29)];
  c[i++] = BASE32[(h1 >>> 24) & 31];
  c[i++] = BASE32[(h1 >>> 19) & 31];
  c[i++] = BASE32[(h1 >>> 14) & 31];
  c[i++] = BASE32[(h1 >>> 9) & 31];
  c[i++] = BASE32[(h1 >>> 4) & 31];
  c[i++] = BASE32[((h1 & 15) << 1) | (h2 >>> 31)];
  c[i++] = BASE32[(h2 >>> 26) & 31];
  c[i++] = BASE32[(h2 >>> 21) & 31];
  c[i] = BASE32[(h2 >>> 16) & 31];
  return String.fromCharCode.apply(null, c);
}
