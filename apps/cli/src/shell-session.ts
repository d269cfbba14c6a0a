import { createInterface } from 'node:readline';
import type { LabClient, Hop, LabEvent, TraceResult } from './lab-client';
import { eventLine, hopLine, traceLine } from './live-lines';

export interface SessionIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  terminal: boolean;
}

/**
 * `hoplab shell`: a prompt like the context's real one, readline history (↑/↓), Ctrl-C drops the
 * line being typed or ends the running one (`kubectl get -w` streams rows until then), Ctrl-D or
 * `exit` on the workstation leaves. What others do to the lab (events,
 * trace hops) is printed between prompts; while a line runs it waits until the output is shown.
 */
export async function runShellSession(client: LabClient, io: SessionIo): Promise<number> {
  let context = 'workstation';
  let prompt = '$ ';
  let busy = false;
  const ownEvents = new Set<number>();
  /** Notifications that arrived while a line ran; the line's own events among them are dropped. */
  const pending: { line: string; seq?: number }[] = [];
  let closing = false;
  const rl = createInterface({ input: io.input, output: io.output, terminal: io.terminal, historySize: 1000 });
  const write = (text: string) => io.output.write(text);

  const notify = (line: string, seq?: number) => {
    if (busy) {
      pending.push({ line, seq });
      return;
    }
    // Over the prompt on a terminal; after it (on a line of its own) otherwise.
    write(io.terminal ? '\r\x1b[K' : '\n');
    write(`${line}\n`);
    rl.prompt(true);
  };
  client.socket.on('event', (event: LabEvent) => {
    if (!ownEvents.delete(event.seq)) notify(eventLine(event), event.seq);
  });
  client.socket.on('hop', ({ traceId, hop }: { traceId: string; hop: Hop }) => notify(hopLine(traceId, hop)));
  client.socket.on('trace', (result: TraceResult) => notify(traceLine(result)));
  client.socket.on('disconnect', () => closing || notify('[connection to the lab closed]'));

  /** Ends the running line (`kubectl get -w`) on Ctrl-C; undefined when none runs. */
  let interruptRunning: (() => void) | undefined;
  client.socket.on('exec:output', ({ stdout }: { stdout: string }) => {
    if (interruptRunning) write(stdout);
  });
  rl.on('SIGINT', () => {
    write('^C\n');
    if (interruptRunning) return interruptRunning();
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });

  rl.setPrompt(prompt);
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '') {
      rl.prompt();
      continue;
    }
    if (context === 'workstation' && /^\s*(exit|logout)\s*$/.test(line)) break;
    busy = true;
    try {
      const result = await client.exec(line, context);
      for (const event of result.events) ownEvents.add(event.seq);
      write(result.stdout);
      if (result.stderr) write(result.stderr);
      context = result.context;
      prompt = result.prompt;
      if (result.watching) {
        await new Promise<void>((resolve) => (interruptRunning = resolve));
        interruptRunning = undefined;
        await client.interrupt();
      }
    } catch (error) {
      write(`hoplab: ${(error as Error).message}\n`);
    }
    busy = false;
    for (const { line, seq } of pending.splice(0)) if (seq === undefined || !ownEvents.delete(seq)) write(`${line}\n`);
    rl.setPrompt(prompt);
    rl.prompt();
  }
  closing = true;
  rl.close();
  return 0;
}
