import { hash } from 'node:crypto';
import { sha256Base32 } from './sha256-base32';

/** Go's base32.StdEncoding of the digest's first 10 bytes, from node's own sha256. */
function reference(text: string): string {
  const bytes = hash('sha256', text, 'buffer');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes.subarray(0, 10)) bits += byte.toString(2).padStart(8, '0');
  return [...bits.matchAll(/.{5}/g)].map(([group]) => alphabet[parseInt(group, 2)]).join('');
}

describe('sha256Base32', () => {
  it('gives the facts\' SEP name for ns1/svc1:p80tcp10.180.0.1:80', () => {
    expect(sha256Base32('KUBE-SEP-', 'ns1/svc1:p80tcp10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it.each([0, 1, 54, 55, 56, 63, 64, 65, 119, 120, 200, 1000, 70_000])('agrees with node crypto on a %i-byte text (padding across block boundaries; past the first 64 KiB page)', (length) => {
    const text = 'ns7/web:http-alt-port'.repeat(4000).slice(0, length);
    expect(sha256Base32('', text)).toBe(reference(text));
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    for (const text of ['ns/ñame:pörttcp10.0.0.1:80', '[fd00::1]:80 ✓', '😀'.repeat(20)]) expect(sha256Base32('X-', text)).toBe(`X-${reference(text)}`);
  });

  it('hashes text and more as one text', () => {
    expect(sha256Base32('KUBE-SEP-', 'ns1/svc1:p80tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(sha256Base32('', 'ns/ñ', 'x'.repeat(70))).toBe(reference(`ns/ñ${'x'.repeat(70)}`));
  });

  it('gives the same name for the same text after hashing other texts (no state kept between calls)', () => {
    const first = sha256Base32('', 'kube-system/kube-dns:dnsudp');
    sha256Base32('', 'x'.repeat(500));
    expect(sha256Base32('', 'kube-system/kube-dns:dnsudp')).toBe(first);
    expect(first).toBe('TCOU7JCQXEZGVUNU');
  });
});
