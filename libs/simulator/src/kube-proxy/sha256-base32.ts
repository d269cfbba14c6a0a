/**
 * The first 16 characters of Go's base32.StdEncoding of sha256(text), the part of the digest
 * kube-proxy's chain names keep (10 bytes: never padded). SHA-256 (FIPS 180-4) written out over
 * preallocated typed arrays: a 100,000-endpoint build hashes 100,000 short texts, and one call into
 * node's crypto per text (plus the digest string it returns) cost more than the hashing itself.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Int32Array(64);
/** The state words h0..h2 of the last digest: 96 bits, of which the name uses 80. */
const H = new Int32Array(3);
let message = new Uint8Array(256);
const encoder = new TextEncoder();

const isAscii = (text: string) => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
};

/** UTF-8 bytes of `text` + `more` with SHA-256's padding, in `message`; returns the padded length. */
function pad(text: string, more: string): number {
  const ascii = isAscii(text) && isAscii(more);
  const whole = ascii ? '' : text + more;
  const length = ascii ? text.length + more.length : encoder.encode(whole).length;
  const padded = (length + 9 + 63) & ~63;
  if (padded > message.length) message = new Uint8Array(padded * 2);
  const bytes = message;
  if (ascii) {
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    for (let i = 0, j = text.length; i < more.length; i++, j++) bytes[j] = more.charCodeAt(i);
  } else encoder.encodeInto(whole, bytes);
  bytes.fill(0, length, padded);
  bytes[length] = 0x80;
  const bits = length * 8;
  bytes[padded - 5] = bits / 2 ** 32;
  bytes[padded - 4] = bits >>> 24;
  bytes[padded - 3] = bits >>> 16;
  bytes[padded - 2] = bits >>> 8;
  bytes[padded - 1] = bits;
  return padded;
}

/** sha256 of `text` + `more`; the first three words of the digest are left in H. */
function digest(text: string, more: string): void {
  const padded = pad(text, more);
  // Locals, not the module's bindings, inside the rounds.
  const bytes = message;
  const w = W;
  const k = K;
  let h0 = 0x6a09e667, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372, h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  for (let offset = 0; offset < padded; offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + k[i] + w[i]) | 0;
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
}

const BASE32 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].map((c) => c.charCodeAt(0));
/** The char codes of the last prefix and 16 slots for the hash: one array of fixed length while the prefix stays. */
let codes: number[] = [];
let codesPrefix: string | undefined;

/**
 * `prefix` followed by the first 16 base32 characters of sha256(text + more), made as one flat
 * string (`more`: no joined text to make per name).
 */
export function sha256Base32(prefix: string, text: string, more = ''): string {
  digest(text, more);
  const h0 = H[0];
  const h1 = H[1];
  const h2 = H[2];
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
