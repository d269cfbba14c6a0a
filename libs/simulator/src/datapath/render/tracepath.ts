import type { TraceResult } from '../types';
import type { CommandOutput } from './command-output';

const MAX_HOPS = 30;
/** print_host pads the address column to 52 characters. */
const HOST_COLUMN = 52;

export interface TracepathOptions {
  /** The MTU of the sender's route (the pod's eth0): the first probe's local EMSGSIZE reports it. */
  pmtu: number;
  /** -b: the name and the address (the lab has no reverse DNS, so the address twice). */
  both?: boolean;
}

/** "%3ld.%03ldms " of a deterministic round trip in µs. */
function time(micros: number): string {
  return `${String(Math.floor(micros / 1000)).padStart(3)}.${String(micros % 1000).padStart(3, '0')}ms `;
}

function host(address: string, both: boolean): string {
  const text = both ? `${address} (${address})` : address;
  return text + ' '.repeat(HOST_COLUMN - Math.min(text.length, HOST_COLUMN - 1));
}

/**
 * tracepath (iputils): UDP probes to port 44444 with DF, the TTL growing from 1. The first probe
 * is too big for the route (65,535 bytes) and the kernel reports the route's MTU locally
 * ("[LOCALHOST] pmtu N"); the changed MTU makes tracepath probe TTL 1 again, so the first hop
 * prints twice. Each forwarding address answers time exceeded, the destination port unreachable
 * ("reached"); a silent drop gives "no reply" up to 30 hops. "back N" is the hop count the
 * destination's answer took (from the TTL it arrived with: the way back mirrors the way there).
 * `result` is a UDP trace to port 44444 of the probe's size (pmtu).
 */
export function renderTracepath(result: TraceResult, options: TracepathOptions): CommandOutput {
  const both = options.both ?? false;
  const addresses = result.routeAddresses;
  const last = addresses[addresses.length - 1];
  // Who answers the probe that gets furthest: the destination's port unreachable ("reached"), a node's
  // REJECT (port unreachable from that node, one hop on), a router's unreachable; a listener or a drop answers nothing.
  let answering = addresses;
  let final: { address: string; tail: string; back?: number } | undefined;
  if (result.verdict === 'refused' && result.deliveredTtl !== undefined) {
    answering = addresses.slice(0, -1);
    final = { address: last, tail: 'reached', back: 65 - result.deliveredTtl };
  } else if (result.verdict === 'refused' && last !== undefined) {
    final = { address: last, tail: 'reached', back: addresses.length };
  } else if (result.verdict === 'unreachable' && last !== undefined) {
    final = { address: last, tail: result.errno === 'ENETUNREACH' ? '!N' : '!H' };
  } else if (result.verdict === 'delivered') {
    answering = addresses.slice(0, -1);
  }
  const lines = [...answering.map((address) => ({ address, tail: '' })), ...(final ? [final] : [])];
  let stdout = ` 1?: ${'[LOCALHOST]'.padEnd(32)} pmtu ${options.pmtu}\n`;
  lines.forEach((entry, i) => {
    const micros = 40 + 90 * i;
    for (const repeat of i === 0 ? [0, 1] : [0]) stdout += `${String(i + 1).padStart(2)}:  ${host(entry.address, both)}${time(micros + 13 * repeat)}${entry.tail}\n`;
  });
  if (final) {
    const counts = final.back !== undefined ? `hops ${lines.length} back ${final.back} ` : '';
    return { stdout: `${stdout}     Resume: pmtu ${options.pmtu} ${counts}\n`, stderr: '', exitCode: 0 };
  }
  for (let ttl = lines.length + 1; ttl <= MAX_HOPS; ttl++) stdout += `${String(ttl).padStart(2)}:  no reply\n`;
  stdout += `     Too many hops: pmtu ${options.pmtu}\n     Resume: pmtu ${options.pmtu} \n`;
  return { stdout, stderr: '', exitCode: 0 };
}
