import type { Neighbour, NetNamespace } from '../../netns/types';
import { printed, type ViewOutput } from '../output';

/** `ip neigh [show dev X]` (iproute2 ip/ipneigh.c), in the namespace's table order. */
export function ipNeigh(ns: NetNamespace, options: { dev?: string } = {}): ViewOutput {
  const entries = options.dev === undefined ? ns.neighbours : ns.neighbours.filter((n) => n.dev === options.dev);
  return printed(entries.map((n) => neighLine(n, options.dev === undefined)).join(''));
}

function neighLine(n: Neighbour, withDev: boolean): string {
  return (
    `${n.ip} ` +
    (withDev ? `dev ${n.dev} ` : '') +
    (n.mac ? `lladdr ${n.mac} ` : '') +
    (n.router ? 'router ' : '') +
    `${n.state} \n`
  );
}
