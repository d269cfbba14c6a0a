import type { NetNamespace, Route } from '../../netns/types';
import { printed, type ViewOutput } from '../output';
import { ipToUint32, splitCidr } from './ipv4';

/**
 * The main table in the kernel's dump order (FIB trie: by destination address, a longer prefix
 * first for the same address); `default` is 0.0.0.0/0 and so comes first.
 */
export function kernelOrder(routes: Route[]): Route[] {
  return routes
    .map((route) => {
      const { address, prefix } = route.dst === 'default' ? { address: '0.0.0.0', prefix: 0 } : splitCidr(route.dst);
      return { route, key: ipToUint32(address), prefix };
    })
    .sort((a, b) => a.key - b.key || b.prefix - a.prefix)
    .map(({ route }) => route);
}

/** One `ip route` line; every token is followed by a space, as iproute2 prints them. */
export function routeLine(route: Route): string {
  const dst = route.dst.endsWith('/32') ? route.dst.slice(0, -3) : route.dst;
  if (route.type === 'blackhole') return `blackhole ${dst} ${route.proto ? `proto ${route.proto} ` : ''}\n`;
  let line = `${dst} `;
  if (route.via) line += `via ${route.via} `;
  line += `dev ${route.dev} `;
  if (route.proto) line += `proto ${route.proto} `;
  if (route.scope) line += `scope ${route.scope} `;
  if (route.src) line += `src ${route.src} `;
  if (route.metric !== undefined) line += `metric ${route.metric} `;
  if (route.onlink) line += 'onlink ';
  if (route.linkdown) line += 'linkdown ';
  if (route.mtu !== undefined) line += `mtu ${route.mtu} `;
  return line + '\n';
}

/** `ip route` (iproute2 ip/iproute.c). */
export function ipRoute(ns: NetNamespace): ViewOutput {
  return printed(kernelOrder(ns.routes).map(routeLine).join(''));
}
