import type { NetNamespace, Route } from '../../netns/types';
import { printed, type ViewOutput } from '../output';
import { netmask, splitCidr } from './ipv4';
import { kernelOrder } from './ip-route';

const header = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';

/** `route -n` (net-tools lib/inet_gr.c): "%-15s %-15s %-15s %-5s %-6d %-2d %7d %s". */
export function routeN(ns: NetNamespace): ViewOutput {
  return printed(header + kernelOrder(ns.routes).map(routeRow).join(''));
}

function routeRow(route: Route): string {
  const { address, prefix } = route.dst === 'default' ? { address: '0.0.0.0', prefix: 0 } : splitCidr(route.dst);
  const flags = 'U' + (route.via ? 'G' : '') + (prefix === 32 ? 'H' : '');
  const iface = route.type === 'blackhole' ? '*' : route.dev;
  return (
    `${address.padEnd(15)} ${(route.via ?? '0.0.0.0').padEnd(15)} ${netmask(prefix).padEnd(15)} ` +
    `${flags.padEnd(5)} ${String(route.metric ?? 0).padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${iface}\n`
  );
}
