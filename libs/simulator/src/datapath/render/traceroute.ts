import type { TraceResult } from '../types';
import { ms3 } from './timing';
import type { CommandOutput } from './command-output';

const MAX_HOPS = 30;

/**
 * traceroute -n (Linux traceroute 2.1): one line per address answering a TTL-limited probe
 * (each forwarding node's address facing the sender, then the destination), three probes each
 * with times derived from the hop number; a silent drop prints "* * *" lines up to 30 hops.
 */
export function renderTraceroute(result: TraceResult, options: { ip: string; host?: string }): CommandOutput {
  let stdout = `traceroute to ${options.host ?? options.ip} (${options.ip}), ${MAX_HOPS} hops max, 60 byte packets\n`;
  const answered = result.routeAddresses;
  const lines = answered.length;
  answered.forEach((address, i) => {
    const base = 40 + 90 * i;
    stdout += `${String(i + 1).padStart(2)}  ${address}  ${[0, 1, 2].map((probe) => `${ms3(base + 13 * probe)} ms`).join('  ')}\n`;
  });
  if (result.verdict === 'dropped' || result.verdict === 'unreachable') {
    for (let hop = lines + 1; hop <= MAX_HOPS; hop++) stdout += `${String(hop).padStart(2)}  * * *\n`;
  }
  return { stdout, stderr: '', exitCode: 0 };
}
