/** `hoplab <command> <lab-url> [--token T] [options]` as the CLI reads it. */
export interface CliArgs {
  command: 'shell' | 'trace' | 'watch' | 'help';
  /** e.g. http://localhost:3000 */
  origin: string;
  labId: string;
  token: string;
  options: Record<string, string>;
}

export const USAGE = `Usage:
  hoplab shell <lab-url> --token <token>     interactive lab shell (kubectl, minikube, docker exec, ip, iptables…)
  hoplab trace <lab-url> --token <token> --from <src> --to <dst> [--port N] [--protocol TCP|UDP|SCTP|ICMP] [--pacing ms]
  hoplab watch <lab-url> --token <token>     live events, derived occurrences and traces of the lab
<lab-url> is the lab's web address (http://host:3000/labs/<id>?token=…) or its API address (…/api/labs/<id>).
HOPLAB_TTY=1 keeps line editing (history, Ctrl-C) when stdin is not a terminal.
`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, url, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help', origin: '', labId: '', token: '', options: {} };
  if (command !== 'shell' && command !== 'trace' && command !== 'watch') throw new UsageError(`unknown command "${command}"`);
  if (!url) throw new UsageError(`${command} needs the lab's URL`);
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(rest[i]);
    if (!flag) throw new UsageError(`unexpected argument "${rest[i]}"`);
    const value = flag[2] ?? rest[++i];
    if (value === undefined) throw new UsageError(`--${flag[1]} needs a value`);
    options[flag[1]] = value;
  }
  const { origin, labId, token } = parseLabUrl(url);
  const chosen = options.token ?? token;
  delete options.token;
  if (!chosen) throw new UsageError('a token is needed: --token <token> or ?token= in the URL');
  return { command, origin, labId, token: chosen, options };
}

/** http://host/labs/<id>?token=t, http://host/api/labs/<id> */
export function parseLabUrl(text: string): { origin: string; labId: string; token?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL`);
  }
  const match = /^\/(?:api\/)?labs\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) throw new UsageError(`"${text}" is not a lab URL (…/labs/<id>)`);
  return { origin: url.origin, labId: decodeURIComponent(match[1]), token: url.searchParams.get('token') ?? undefined };
}
