import { parseArgs, USAGE, UsageError } from './args';
import { LabClient } from './lab-client';
import { runShellSession } from './shell-session';
import { runTrace } from './trace-command';
import { runWatch } from './watch-command';

/** The hoplab command: resolves with the process exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`hoplab: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const client = new LabClient(args.origin, args.labId, args.token);
  try {
    await client.connect();
    // HOPLAB_TTY=1 keeps terminal line editing (history, Ctrl-C) when stdin is a pipe, e.g. under a test or `script`.
    const terminal = process.env.HOPLAB_TTY === '1' || Boolean(process.stdout.isTTY && process.stdin.isTTY);
    if (args.command === 'shell') return await runShellSession(client, { input: process.stdin, output: process.stdout, terminal });
    if (args.command === 'trace') return await runTrace(client, args.options, process.stdout, terminal);
    return await runWatch(client, process.stdout);
  } catch (error) {
    process.stderr.write(`hoplab: ${(error as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
