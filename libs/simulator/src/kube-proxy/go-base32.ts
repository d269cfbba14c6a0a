import { hash } from 'node:crypto';

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].map((c) => c.charCodeAt(0));

/** The char codes of the last prefix, then 16 slots for the hash: one array reused while the prefix stays. */
let codes: number[] = [];
let codesPrefix: string | undefined;

/**
 * `prefix` followed by the first 16 characters of Go's base32.StdEncoding of sha256(text), as one
 * flat string: the part kube-proxy's chain names keep (the digest's first 10 bytes, never padded).
 */
export function sha256Base32(prefix: string, text: string): string {
  // 'binary' (latin1): one char per digest byte, the smallest string node's one-shot hash returns.
  const digest = hash('sha256', text, 'binary');
  if (prefix !== codesPrefix) {
    codesPrefix = prefix;
    codes = [...prefix].map((c) => c.charCodeAt(0)).concat(new Array<number>(16).fill(0));
  }
  // 10 bytes = 80 bits = 16 groups of 5, read from the left.
  let bits = 0;
  let held = 0;
  let out = prefix.length;
  for (let i = 0; i < 10; i++) {
    bits = ((bits << 8) | digest.charCodeAt(i)) & 0xfff;
    held += 8;
    while (held >= 5) {
      held -= 5;
      codes[out++] = ALPHABET[(bits >>> held) & 31];
    }
  }
  return String.fromCharCode.apply(null, codes);
}
