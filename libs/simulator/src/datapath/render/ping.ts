import type { TraceResult } from '../types';
import { ms3, pingTime, roundTripMicros } from './timing';
import type { CommandOutput } from './command-output';

export interface PingOptions {
  /** The address pinged (after name resolution). */
  ip: string;
  /** What the user typed, when it was a name: the header says "PING db (10.244.1.2)". */
  host?: string;
  count?: number;
  /** ICMP payload bytes (-s), default 56. */
  size?: number;
}

/**
 * iputils ping -c N for a traced echo request: the first reply pays for ARP, later ones do not.
 * Dropped: silence and 100% loss (exit 1); no route: "connect: Network is unreachable" (exit 2);
 * ARP failure: "Destination Host Unreachable" from the sender's side (exit 1).
 */
export function renderPing(result: TraceResult, options: PingOptions): CommandOutput {
  const count = options.count ?? 4;
  const size = options.size ?? 56;
  if (result.verdict === 'unreachable' && result.errno === 'ENETUNREACH' && result.hops.length <= 1) {
    return { stdout: '', stderr: 'ping: connect: Network is unreachable\n', exitCode: 2 };
  }
  let stdout = `PING ${options.host ?? options.ip} (${options.ip}) ${size}(${size + 28}) bytes of data.\n`;
  const times: number[] = [];
  const delivered = result.verdict === 'delivered';
  for (let seq = 1; seq <= count; seq++) {
    if (delivered) {
      const micros = roundTripMicros(result, seq === 1) + ((seq * 7) % 5);
      times.push(micros);
      stdout += `${size + 8} bytes from ${options.ip}: icmp_seq=${seq} ttl=${result.deliveredTtl} time=${pingTime(micros)} ms\n`;
    } else if (result.verdict === 'unreachable') {
      const from = result.hops.filter((hop) => hop.layer === 'L2' && hop.action === 'arp-request').at(-1)?.packet.l3.src ?? options.ip;
      stdout += `From ${from} icmp_seq=${seq} Destination Host Unreachable\n`;
    }
  }
  const received = times.length;
  const elapsed = (count - 1) * 1000 + (delivered ? Math.round(times.reduce((a, b) => a + b, 0) / 1000) : 3 * count);
  const errors = result.verdict === 'unreachable' ? `+${count} errors, ` : '';
  stdout += `\n--- ${options.host ?? options.ip} ping statistics ---\n`;
  stdout += `${count} packets transmitted, ${received} received, ${errors}${Math.round(((count - received) / count) * 100)}% packet loss, time ${elapsed}ms\n`;
  if (received > 0) {
    const min = Math.min(...times);
    const max = Math.max(...times);
    const avg = times.reduce((a, b) => a + b, 0) / received;
    const mdev = Math.sqrt(times.reduce((a, t) => a + (t - avg) ** 2, 0) / received);
    stdout += `rtt min/avg/max/mdev = ${ms3(min)}/${ms3(avg)}/${ms3(max)}/${ms3(mdev)} ms\n`;
  } else {
    stdout += '\n';
  }
  return { stdout, stderr: '', exitCode: received > 0 ? 0 : 1 };
}
