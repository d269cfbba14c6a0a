import type { Neighbour, NetNamespace } from '../../netns/types';
import { printed, type ViewOutput } from '../output';

const header = 'Address                  HWtype  HWaddress           Flags Mask            Iface\n';

/**
 * `arp -n` (net-tools arp.c) reads /proc/net/arp: NOARP entries are skipped, complete ones are
 * flagged C (M when permanent), the others shown as (incomplete). Nothing at all when empty.
 */
export function arpN(ns: NetNamespace): ViewOutput {
  const rows = ns.neighbours.filter((n) => n.state !== 'NOARP').map(arpRow);
  return printed(rows.length ? header + rows.join('') : '');
}

function arpRow(n: Neighbour): string {
  const complete = n.mac !== undefined && n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
  const flags = complete ? (n.state === 'PERMANENT' ? 'CM' : 'C') : '';
  const hw = complete ? 'ether'.padEnd(8) + n.mac!.padEnd(20) : ''.padEnd(8) + '(incomplete)'.padEnd(20);
  return `${n.ip.padEnd(23)}  ${hw}${flags.padEnd(6)}${''.padEnd(15)} ${n.dev}\n`;
}
