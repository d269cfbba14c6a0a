import type { TraceResult } from '../types';
import type { CommandOutput } from './command-output';

/** connect()'s error text for a trace that did not connect (strerror). */
function connectError(result: TraceResult): string {
  if (result.verdict === 'refused') return 'Connection refused';
  if (result.verdict === 'unreachable') return result.errno === 'ENETUNREACH' ? 'Network is unreachable' : 'No route to host';
  return 'Connection timed out';
}

/**
 * inetutils telnet: "Trying ip..." on stdout, then either the Connected banner or the perror
 * line on stderr. A dropped SYN gives up after the kernel's SYN retries (tcp_syn_retries=6, ≈127 s).
 */
export function renderTelnet(result: TraceResult, options: { ip: string; host?: string }): CommandOutput {
  const trying = `Trying ${options.ip}...\n`;
  if (result.verdict === 'delivered') {
    return { stdout: `${trying}Connected to ${options.host ?? options.ip}.\nEscape character is '^]'.\n`, stderr: '', exitCode: 0 };
  }
  return { stdout: trying, stderr: `telnet: Unable to connect to remote host: ${connectError(result)}\n`, exitCode: 1 };
}

/** /etc/services names nc prints in "[tcp/postgresql]" (unknown ports print "*"). */
const serviceNames: Record<number, string> = {
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'domain',
  80: 'http',
  443: 'https',
  3306: 'mysql',
  5432: 'postgresql',
  6379: 'redis',
  8080: 'http-alt',
  9153: '*',
};

/** OpenBSD nc -zv (all on stderr): "Connection to ip port [tcp/name] succeeded!" or "nc: connect to ... failed: ...". */
export function renderNcZv(result: TraceResult, options: { ip: string; port: number; protocol?: 'tcp' | 'udp' }): CommandOutput {
  const protocol = options.protocol ?? 'tcp';
  if (result.verdict === 'delivered') {
    return { stdout: '', stderr: `Connection to ${options.ip} ${options.port} port [${protocol}/${serviceNames[options.port] ?? '*'}] succeeded!\n`, exitCode: 0 };
  }
  return { stdout: '', stderr: `nc: connect to ${options.ip} port ${options.port} (${protocol}) failed: ${connectError(result)}\n`, exitCode: 1 };
}

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** curl http://ip:port/: nginx's welcome page, an empty reply from a non-HTTP listener, or curl's connect errors. */
export function renderCurl(result: TraceResult, options: { ip: string; port: number; host?: string }): CommandOutput {
  const target = options.host ?? options.ip;
  if (result.verdict === 'delivered') {
    const by = result.reason;
    if (/\b(nginx|httpd)\b/.test(by) || result.hops.some((hop) => hop.action === 'route' && hop.netns === 'internet')) {
      return { stdout: NGINX_WELCOME, stderr: '', exitCode: 0 };
    }
    return { stdout: '', stderr: 'curl: (52) Empty reply from server\n', exitCode: 52 };
  }
  if (result.verdict === 'dropped') {
    return { stdout: '', stderr: `curl: (28) Failed to connect to ${target} port ${options.port} after 127000 ms: Couldn't connect to server\n`, exitCode: 28 };
  }
  const after = `after ${Math.max(0, Math.round(result.hops.length / 20))} ms`;
  return { stdout: '', stderr: `curl: (7) Failed to connect to ${target} port ${options.port} ${after}: Couldn't connect to server\n`, exitCode: 7 };
}
