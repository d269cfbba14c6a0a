import type { NetInterface, NetNamespace } from '../../netns/types';
import { arpN, bridgeFdb, ipAddr, ipLink, ipNeigh, ipRoute, iproute2Layout, routeN, type Iproute2Layout } from '../../views';
import { failure, fromView, printed, type Printed } from '../types';

/** iproute2's object abbreviations: any prefix of the object name selects it (`ip a`, `ip ro`, `ip n`). */
const objects = ['address', 'link', 'route', 'neighbour', 'neighbor'] as const;

function objectOf(word: string): (typeof objects)[number] | undefined {
  if (word === 'a' || word === 'addr') return 'address';
  if (word === 'r' || word === 'ro') return 'route';
  if (word === 'n' || word === 'neigh') return 'neighbour';
  if (word === 'l') return 'link';
  return objects.find((o) => o.startsWith(word));
}

/** `ip [-d|-details] {addr|link|route|neigh} [show|list] [[dev] NAME]` in a network namespace. */
export function ip(argv: string[], ns: NetNamespace, layout: Iproute2Layout): Printed {
  const args = argv.slice(1);
  let details = false;
  let brief = false;
  while (args[0]?.startsWith('-')) {
    const option = args.shift()!;
    if (option === '-d' || option === '-details' || option === '--details') details = true;
    else if (option === '-br' || option === '-brief' || option === '--brief') brief = true;
    else if (option === '-4') continue;
    else return failure(`Option "${option}" is unknown, try "ip -help".\n`, 255);
  }
  if (args.length === 0) {
    return failure('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp | link |\n                   macsec | maddress | monitor | mptcp | mroute | mrule |\n                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n                   ntbl | route | rule | sr | stats | tap | tcpmetrics |\n                   token | tunnel | tuntap | vrf | xfrm }\n', 255);
  }
  const object = objectOf(args[0]);
  if (!object) return failure(`Object "${args[0]}" is unknown, try "ip help".\n`, 1);
  let rest = args.slice(1);
  if (rest[0] === 'show' || rest[0] === 'list' || rest[0] === 'ls' || rest[0] === 'sh') rest = rest.slice(1);
  else if (rest.length > 0 && rest[0] !== 'dev') return failure(`Command "${rest[0]}" is unknown, try "ip ${object} help".\n`, 255);
  if (rest[0] === 'dev') rest = rest.slice(1);
  const dev = rest[0];
  if (brief && (object === 'address' || object === 'link')) return checkDevice(ns, dev) ?? printed(ipBrief(ns, object, dev));
  switch (object) {
    case 'address':
      return checkDevice(ns, dev) ?? fromView(ipAddr(ns, { dev, details, layout }));
    case 'link':
      return checkDevice(ns, dev) ?? fromView(ipLink(ns, { dev, details, layout }));
    case 'route':
      return fromView(ipRoute(ns));
    default:
      return fromView(ipNeigh(ns, dev ? { dev } : {}));
  }
}

/** `ip -br a` / `ip -br link`: "%-16s %-14s " then the addresses (or MAC and flags), each followed by a space. */
function ipBrief(ns: NetNamespace, object: 'address' | 'link', dev: string | undefined): string {
  return ns.interfaces
    .filter((iface) => dev === undefined || iface.name === dev)
    .map((iface) => {
      const name = `${iface.name}${peerOf(ns, iface)}`.padEnd(16);
      const rest =
        object === 'address'
          ? [...iface.addresses.map((a) => a.cidr), ...(iface.addresses6 ?? []).map((a) => a.cidr)].map((a) => `${a} `).join('')
          : `${iface.mac} <${iface.flags.join(',')}> `;
      return `${name} ${iface.state.padEnd(14)} ${rest}\n`;
    })
    .join('');
}

function peerOf(ns: NetNamespace, iface: NetInterface): string {
  if (iface.peerIndex === undefined) return '';
  if (iface.linkNetnsId !== undefined) return `@if${iface.peerIndex}`;
  return `@${ns.interfaces.find((other) => other.index === iface.peerIndex)?.name ?? `if${iface.peerIndex}`}`;
}

function checkDevice(ns: NetNamespace, dev: string | undefined): Printed | null {
  if (dev === undefined || ns.interfaces.some((i) => i.name === dev)) return null;
  return failure(`Device "${dev}" does not exist.\n`, 1);
}

/** `route -n` (net-tools); without -n it would resolve names, which the lab prints numerically too. */
export function route(argv: string[], ns: NetNamespace): Printed {
  const bad = argv.slice(1).find((a) => a !== '-n' && a !== '-e' && a !== '-4');
  if (bad) return failure(`route: invalid option -- '${bad.replace(/^-+/, '')}'\n`, 1);
  return fromView(routeN(ns));
}

export function arp(argv: string[], ns: NetNamespace): Printed {
  const bad = argv.slice(1).find((a) => a !== '-n' && a !== '-a' && a !== '-e');
  if (bad) return failure(`arp: invalid option -- '${bad.replace(/^-+/, '')}'\n`, 1);
  return fromView(arpN(ns));
}

/** `bridge fdb [show] [dev X | br X]` */
export function bridge(argv: string[], ns: NetNamespace): Printed {
  const [object, ...rest] = argv.slice(1);
  if (object !== 'fdb') return failure(object ? `Object "${object}" is unknown, try "bridge help".\n` : 'Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n', object ? 1 : 255);
  const args = rest[0] === 'show' ? rest.slice(1) : rest;
  const options: { dev?: string; br?: string } = {};
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === 'dev') options.dev = args[i + 1];
    else if (args[i] === 'br') options.br = args[i + 1];
  }
  return fromView(bridgeFdb(ns, options));
}

export { iproute2Layout };
