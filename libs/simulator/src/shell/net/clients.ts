import type { LabState } from '../../cluster/types';
import { renderCurl, renderNcZv, renderPing, renderTelnet, renderTracepath, renderTraceroute, trace, type TraceEndpointInput, type TraceProtocol, type TraceResult } from '../../datapath';
import { podMtu } from '../../cni/network-config';
import { SimulatorError } from '../../model/errors';
import { nodeDefaultGateway } from '../../netns/derive';
import { failure, printed, type Invocation, type Printed, type Program } from '../types';

/**
 * The network clients of a pod or node shell: each traces its packet through the lab (datapath
 * trace(): routes, overlay, kube-proxy's DNAT, NetworkPolicy where the plugin enforces it,
 * listeners) and prints what the real tool prints for that verdict. Names resolve as cluster DNS
 * does for Services (`db`, `db.default`, `db.default.svc.cluster.local`).
 */
/** `busybox`: the pod's image is busybox, whose telnet prints differently. */
export function networkClients(from: TraceEndpointInput, searchNamespace: string, busybox = false): Record<string, Program> {
  return {
    telnet: (call) => telnet(call, from, searchNamespace, busybox),
    nc: (call) => nc(call, from, searchNamespace),
    curl: (call) => curl(call, from, searchNamespace),
    ping: (call) => ping(call, from, searchNamespace),
    traceroute: (call) => traceroute(call, from, searchNamespace),
    ...(busybox ? {} : { tracepath: (call: Invocation) => tracepath(call, from, searchNamespace) }),
    nslookup: (call) => nslookup(call, searchNamespace),
    host: (call) => host(call, searchNamespace),
  };
}

/** The cluster DNS Service's address (kube-system/kube-dns), 10.96.0.10 on minikube. */
export function clusterDnsIp(state: LabState): string {
  return state.services.get('kube-system/kube-dns')?.clusterIP ?? '10.96.0.10';
}

/**
 * A minikube node's /etc/resolv.conf (and that of its hostNetwork pods): the docker network's
 * gateway answers DNS, as minikube's kic containers are set up.
 */
export function nodeResolvConf(state: LabState, nodeName: string): string {
  const node = state.nodes.get(nodeName);
  const gateway = node ? (nodeDefaultGateway(state, node) ?? node.ip) : '192.168.49.1';
  return `nameserver ${gateway}\noptions edns0 trust-ad ndots:0\n`;
}

const isIp = (text: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(text);

/** A Service name as the pod's search list resolves it, or undefined. */
export function resolveName(state: LabState, name: string, namespace: string): { ip: string; fqdn: string } | undefined {
  const bare = name.replace(/\.$/, '');
  const parts = bare.replace(/\.svc\.cluster\.local$/, '').replace(/\.svc$/, '').split('.');
  if (parts.length > 2) return undefined;
  const [service, ns = namespace] = parts;
  const found = state.services.get(`${ns}/${service}`);
  if (!found || found.clusterIP === 'None') return undefined;
  return { ip: found.clusterIP, fqdn: `${service}.${ns}.svc.cluster.local` };
}

function resolve(state: LabState, host: string, namespace: string): string | undefined {
  return isIp(host) ? host : resolveName(state, host, namespace)?.ip;
}

function run(call: Invocation, from: TraceEndpointInput, ip: string, protocol: TraceProtocol, port?: number, size?: number): TraceResult | Printed {
  try {
    return trace(call.state, { from, to: { ip }, protocol, port, size }, { now: call.env.now });
  } catch (error) {
    if (error instanceof SimulatorError) return failure(`${error.message}\n`, 1);
    throw error;
  }
}

const out = (o: { stdout: string; stderr: string; exitCode: number }): Printed => printed(o.stdout, o.stderr, o.exitCode);

function telnet(call: Invocation, from: TraceEndpointInput, namespace: string, busybox: boolean): Printed {
  const [host, portText = '23'] = call.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (!host) return printed('', '', 0);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return failure(`telnet: could not resolve ${host}/${portText}: Servname not supported for ai_socktype\n`);
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`telnet: could not resolve ${host}/${portText}: Name does not resolve\n`);
  const result = run(call, from, ip, 'TCP', port);
  if ('kind' in result) return result;
  if (busybox) {
    // busybox telnet: no "Trying", "Connected to <ip>" without a period, its own error wording.
    if (result.verdict === 'delivered') return printed(`Connected to ${ip}\n`);
    return failure(`telnet: can't connect to remote host (${ip}): ${renderTelnet(result, { ip }).stderr.replace(/^telnet: Unable to connect to remote host: /, '')}`);
  }
  return out(renderTelnet(result, { ip, host: isIp(host) ? undefined : host }));
}

function nc(call: Invocation, from: TraceEndpointInput, namespace: string): Printed {
  const args = call.argv.slice(1);
  const operands: string[] = [];
  let udp = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-w' || arg === '-i') i++;
    else if (/^-[zvnu]+$/.test(arg)) udp ||= arg.includes('u');
    else if (arg.startsWith('-')) return failure(`nc: invalid option -- '${arg[1]}'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n`);
    else operands.push(arg);
  }
  const [host, portText] = operands;
  if (!host || !portText) return failure('usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n');
  const port = Number(portText);
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`nc: getaddrinfo for host "${host}" port ${portText}: Name does not resolve\n`);
  const result = run(call, from, ip, udp ? 'UDP' : 'TCP', port);
  return 'kind' in result ? result : out(renderNcZv(result, { ip, port, protocol: udp ? 'udp' : 'tcp' }));
}

function curl(call: Invocation, from: TraceEndpointInput, namespace: string): Printed {
  const url = call.argv.slice(1).find((a, i, all) => !a.startsWith('-') && !['-m', '--max-time', '--connect-timeout', '-o', '-H'].includes(all[i - 1]));
  if (!url) return failure("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
  const parsed = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+))?/.exec(url);
  if (!parsed) return failure(`curl: (3) URL rejected: Malformed input to a URL function\n`, 3);
  const [, scheme = 'http', host, portText] = parsed;
  const port = portText ? Number(portText) : scheme === 'https' ? 443 : 80;
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`curl: (6) Could not resolve host: ${host}\n`, 6);
  const result = run(call, from, ip, 'TCP', port);
  return 'kind' in result ? result : out(renderCurl(result, { ip, port, host: isIp(host) ? undefined : host }));
}

function ping(call: Invocation, from: TraceEndpointInput, namespace: string): Printed {
  const args = call.argv.slice(1);
  let count: number | undefined;
  let size: number | undefined;
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') count = Number(args[++i]);
    else if (args[i].startsWith('-c')) count = Number(args[i].slice(2));
    else if (args[i] === '-s') size = Number(args[++i]);
    else if (args[i] === '-W' || args[i] === '-i' || args[i] === '-w') i++;
    else if (!args[i].startsWith('-')) host = args[i];
  }
  if (!host) return failure('ping: usage error: Destination address required\n', 2);
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`ping: ${host}: Name does not resolve\n`, 2);
  const result = run(call, from, ip, 'ICMP');
  // Without -c ping runs until Ctrl-C; the lab's terminal sends it after 4 replies.
  return 'kind' in result ? result : out(renderPing(result, { ip, host: isIp(host) ? undefined : host, count: count ?? 4, size }));
}

function traceroute(call: Invocation, from: TraceEndpointInput, namespace: string): Printed {
  const host = call.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!host) return failure('Usage:\n  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]\n', 2);
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`${host}: Name does not resolve\nCannot handle "host" cmdline arg \`${host}' on position 1 (argc 1)\n`, 2);
  const result = run(call, from, ip, 'UDP', 33434);
  return 'kind' in result ? result : out(renderTraceroute(result, { ip, host: isIp(host) ? undefined : host }));
}

const TRACEPATH_USAGE = `Usage
  tracepath [options] <destination>

Options:
  -4             use IPv4
  -6             use IPv6
  -b             print both name and ip
  -l <length>    use packet <length>
  -m <hops>      use maximum <hops>
  -n             no dns name resolution
  -p <port>      use destination <port>
  -V             print version and exit
  <destination>  dns name or ip address

For more details see tracepath(8).
`;

/** iputils tracepath: UDP probes to port 44444 sized to the route's MTU (a pod's eth0, a node's 1500). */
function tracepath(call: Invocation, from: TraceEndpointInput, namespace: string): Printed {
  const args = call.argv.slice(1);
  const host = args.find((a) => !a.startsWith('-'));
  if (!host) return failure(TRACEPATH_USAGE, 255);
  const ip = resolve(call.state, host, namespace);
  if (!ip) return failure(`tracepath: ${host}: Name or service not known\n`, 1);
  const pmtu = typeof from === 'object' && 'pod' in from ? podMtu(call.state) : call.state.cluster.mtu;
  const result = run(call, from, ip, 'UDP', 44444, pmtu);
  return 'kind' in result ? result : out(renderTracepath(result, { pmtu, both: args.includes('-b') }));
}

/** bind's nslookup against the cluster DNS (kube-dns). */
function nslookup(call: Invocation, namespace: string): Printed {
  const name = call.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!name) return failure('usage: nslookup [-opt ...] host\n', 1);
  const dns = clusterDnsIp(call.state);
  const header = `Server:\t\t${dns}\nAddress:\t${dns}#53\n\n`;
  const found = resolveName(call.state, name, namespace);
  if (!found) return printed(`${header}** server can't find ${name}: NXDOMAIN\n\n`, '', 1);
  return printed(`${header}Name:\t${found.fqdn}\nAddress: ${found.ip}\n\n`);
}

/** bind's host: "<fqdn> has address <ip>", or NXDOMAIN. */
function host(call: Invocation, namespace: string): Printed {
  const name = call.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!name) return failure('Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n', 1);
  const found = resolveName(call.state, name, namespace);
  if (!found) return failure(`Host ${name} not found: 3(NXDOMAIN)\n`, 1);
  return printed(`${found.fqdn} has address ${found.ip}\n`);
}
