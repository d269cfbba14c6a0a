/**
 * SHA-256 (FIPS 180-4) compression as a small WebAssembly function, assembled here at load. A
 * 100,000-endpoint build hashes 100,000 short texts in a fresh process: JavaScript's 32-bit
 * arithmetic allocates a heap number per operation until the optimizing compiler has caught up,
 * and a call into node's crypto per text costs more than the hashing; wasm's i32 code is fast from
 * its first call. Memory: W[64] at 0, K[64] at 256, the digest's first three words at 512, the
 * padded message from 1024, each 4-byte group stored reversed so that a little-endian load reads
 * the big-endian word.
 */

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W_AT = 0;
const K_AT = 256;
const DIGEST_AT = 512;
const MESSAGE_AT = 1024;
const PAGE = 65536;

// The wasm binary format's encodings (https://webassembly.github.io/spec/core/binary/).
const unsigned = (n: number): number[] => {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n ? byte | 0x80 : byte);
  } while (n);
  return out;
};
const signed = (n: number): number[] => {
  const out: number[] = [];
  for (n |= 0; ; ) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, bytes: number[]) => [id, ...unsigned(bytes.length), ...bytes];
const text = (name: string) => [...unsigned(name.length), ...[...name].map((c) => c.charCodeAt(0))];
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const i32 = (n: number) => [0x41, ...signed(n)];
const load = (offset: number) => [0x28, 2, ...unsigned(offset)];
const store = (offset: number) => [0x36, 2, ...unsigned(offset)];
const [ADD, AND, XOR, SHL, SHR_U, ROTR, LT_U, GE_U] = [0x6a, 0x71, 0x73, 0x74, 0x76, 0x78, 0x49, 0x4f];
const [BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];

// Locals of compress(blocks): 0 blocks, 1-8 the state words, 9-16 the working variables a-h.
const STATE = 1;
const VAR = 9;
const [AT, MESSAGE, MESSAGE_END, T1, T2, X] = [17, 18, 19, 20, 21, 22];
const LOCALS = 22;
const v = (i: number) => get(VAR + i);
/** rotr(x, r1) ^ rotr(x, r2) ^ (rotr or shr)(x, r3), x being the value `value` leaves. */
const sigma = (value: number[], r1: number, r2: number, r3: number, shiftLast: boolean) => [
  ...value, ...set(X), ...get(X), ...i32(r1), ROTR, ...get(X), ...i32(r2), ROTR, XOR, ...get(X), ...i32(r3), shiftLast ? SHR_U : ROTR, XOR,
];
/** `for (AT = 0; AT < limit; AT += 4) body`. */
const loopWords = (limit: number, body: number[]) => [
  ...i32(0), ...set(AT),
  LOOP, VOID, ...body, ...get(AT), ...i32(4), ADD, ...set(AT), ...get(AT), ...i32(limit), LT_U, BR_IF, 0, END,
];
const eight = (f: (i: number) => number[]) => [0, 1, 2, 3, 4, 5, 6, 7].flatMap(f);

const compress = [
  ...eight((i) => [...i32(INITIAL[i]), ...set(STATE + i)]),
  ...i32(MESSAGE_AT), ...set(MESSAGE),
  ...get(0), ...i32(6), SHL, ...i32(MESSAGE_AT), ADD, ...set(MESSAGE_END),
  BLOCK, VOID, LOOP, VOID,
  ...get(MESSAGE), ...get(MESSAGE_END), GE_U, BR_IF, 1,
  // W[0..15]: the block's words.
  ...loopWords(64, [...get(AT), ...get(MESSAGE), ...get(AT), ADD, ...load(0), ...store(W_AT)]),
  // W[16..63], AT = 4 * (i - 16).
  ...loopWords(192, [
    ...get(AT),
    ...get(AT), ...load(W_AT),
    ...sigma([...get(AT), ...load(W_AT + 4)], 7, 18, 3, true), ADD,
    ...get(AT), ...load(W_AT + 36), ADD,
    ...sigma([...get(AT), ...load(W_AT + 56)], 17, 19, 10, true), ADD,
    ...store(W_AT + 64),
  ]),
  ...eight((i) => [...get(STATE + i), ...set(VAR + i)]),
  ...loopWords(256, [
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]; T2 = Σ0(a) + Maj(a, b, c)
    ...v(7), ...sigma(v(4), 6, 11, 25, false), ADD,
    ...v(4), ...v(5), AND, ...v(4), ...i32(-1), XOR, ...v(6), AND, XOR, ADD,
    ...get(AT), ...load(K_AT), ADD, ...get(AT), ...load(W_AT), ADD, ...set(T1),
    ...sigma(v(0), 2, 13, 22, false),
    ...v(0), ...v(1), AND, ...v(0), ...v(2), AND, XOR, ...v(1), ...v(2), AND, XOR, ADD, ...set(T2),
    ...v(6), ...set(VAR + 7), ...v(5), ...set(VAR + 6), ...v(4), ...set(VAR + 5),
    ...v(3), ...get(T1), ADD, ...set(VAR + 4),
    ...v(2), ...set(VAR + 3), ...v(1), ...set(VAR + 2), ...v(0), ...set(VAR + 1),
    ...get(T1), ...get(T2), ADD, ...set(VAR),
  ]),
  ...eight((i) => [...get(STATE + i), ...get(VAR + i), ADD, ...set(STATE + i)]),
  ...get(MESSAGE), ...i32(64), ADD, ...set(MESSAGE),
  BR, 0, END, END,
  ...[0, 1, 2].flatMap((i) => [...i32(DIGEST_AT + 4 * i), ...get(STATE + i), ...store(0)]),
  END,
];
const body = [1, LOCALS, 0x7f, ...compress];
const kBytes = K.flatMap((k) => [k & 255, (k >>> 8) & 255, (k >>> 16) & 255, k >>> 24]);
const binary = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 1, 0x7f, 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(7, [2, ...text('memory'), 2, 0, ...text('compress'), 0, 0]),
  ...section(10, [1, ...unsigned(body.length), ...body]),
  ...section(11, [1, 0, ...i32(K_AT), END, ...unsigned(kBytes.length), ...kBytes]),
]);

const instance = new WebAssembly.Instance(new WebAssembly.Module(binary));
const memory = instance.exports.memory as WebAssembly.Memory;
const compressBlocks = instance.exports.compress as (blocks: number) => void;
let bytes = new Uint8Array(memory.buffer);
let digestWords = new Int32Array(memory.buffer, DIGEST_AT, 3);
const encoder = new TextEncoder();

const isAscii = (s: string) => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
};

/** The first three 32-bit words of sha256(text + more), UTF-8 encoded. The array is reused by the next call. */
export function sha256Words(text: string, more: string): Int32Array {
  const ascii = isAscii(text) && isAscii(more);
  const utf8 = ascii ? undefined : encoder.encode(text + more);
  const length = utf8 ? utf8.length : text.length + more.length;
  const padded = (length + 9 + 63) & ~63;
  if (MESSAGE_AT + padded > bytes.length) {
    memory.grow(Math.ceil((MESSAGE_AT + padded - bytes.length) / PAGE));
    bytes = new Uint8Array(memory.buffer);
    digestWords = new Int32Array(memory.buffer, DIGEST_AT, 3);
  }
  const m = bytes;
  if (utf8) for (let i = 0; i < length; i++) m[MESSAGE_AT + (i ^ 3)] = utf8[i];
  else {
    for (let i = 0; i < text.length; i++) m[MESSAGE_AT + (i ^ 3)] = text.charCodeAt(i);
    for (let i = 0, j = text.length; i < more.length; i++, j++) m[MESSAGE_AT + (j ^ 3)] = more.charCodeAt(i);
  }
  for (let i = length; i < padded; i++) m[MESSAGE_AT + (i ^ 3)] = 0;
  m[MESSAGE_AT + (length ^ 3)] = 0x80;
  const bits = length * 8;
  m[MESSAGE_AT + ((padded - 5) ^ 3)] = bits / 2 ** 32;
  m[MESSAGE_AT + ((padded - 4) ^ 3)] = bits >>> 24;
  m[MESSAGE_AT + ((padded - 3) ^ 3)] = bits >>> 16;
  m[MESSAGE_AT + ((padded - 2) ^ 3)] = bits >>> 8;
  m[MESSAGE_AT + ((padded - 1) ^ 3)] = bits;
  compressBlocks(padded >>> 6);
  return digestWords;
}
