import type { NetInterface, NetNamespace } from '../../netns/types';
import { failed, printed, type ViewOutput } from '../output';
import { headerLine, linkLine, type DetailsOptions } from './link-lines';

export interface IpAddrOptions extends DetailsOptions {
  /** `ip addr show [dev] X` */
  dev?: string;
  /** `-d` / `-details` */
  details?: boolean;
}

export interface IpLinkOptions extends IpAddrOptions {}

/** `ip a` / `ip addr show [dev X]` (iproute2 ip/ipaddress.c). */
export function ipAddr(ns: NetNamespace, options: IpAddrOptions = {}): ViewOutput {
  return listInterfaces(ns, options, (iface) => {
    let text = headerLine(ns, iface, 'addr') + linkLine(ns, iface, options.details ? { ...options, command: 'addr' } : undefined);
    for (const a of iface.addresses) {
      const brd = a.broadcast ? `brd ${a.broadcast} ` : '';
      text += `    inet ${a.cidr} ${brd}scope ${a.scope} ${a.label ?? iface.name}\n${lifetimes}`;
    }
    for (const a of iface.addresses6 ?? []) {
      const flags = (a.flags ?? []).map((flag) => `${flag} `).join('');
      text += `    inet6 ${a.cidr} scope ${a.scope} ${flags}\n${lifetimes}`;
    }
    return text;
  });
}

/** `ip link` / `ip link show [X]` / `ip -details link show X`. */
export function ipLink(ns: NetNamespace, options: IpLinkOptions = {}): ViewOutput {
  return listInterfaces(
    ns,
    options,
    (iface) => headerLine(ns, iface, 'link') + linkLine(ns, iface, options.details ? { ...options, command: 'link' } : undefined),
  );
}

const lifetimes = '       valid_lft forever preferred_lft forever\n';

function listInterfaces(ns: NetNamespace, options: IpAddrOptions, render: (iface: NetInterface) => string): ViewOutput {
  const interfaces = [...ns.interfaces].sort((a, b) => a.index - b.index);
  if (options.dev === undefined) return printed(interfaces.map(render).join(''));
  const iface = interfaces.find((candidate) => candidate.name === options.dev);
  if (!iface) return failed(`Device "${options.dev}" does not exist.\n`, 1);
  return printed(render(iface));
}
