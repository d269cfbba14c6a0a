import type { Hop, LabClient, LabEvent, TraceResult } from './lab-client';
import { eventLine, hopLine, traceLine } from './live-lines';

/** `hoplab watch`: prints the lab's live events, derived occurrences and traces until Ctrl-C or the connection closes. */
export function runWatch(client: LabClient, output: NodeJS.WritableStream): Promise<number> {
  client.socket.on('event', (event: LabEvent) => output.write(`${eventLine(event)}\n`));
  client.socket.on('derived', (occurrence: { type: string; node?: string; time: number }) => output.write(`[derived] ${occurrence.type}${occurrence.node ? ` ${occurrence.node}` : ''} at ${occurrence.time}ms\n`));
  client.socket.on('hop', ({ traceId, hop }: { traceId: string; hop: Hop }) => output.write(`${hopLine(traceId, hop)}\n`));
  client.socket.on('trace', (result: TraceResult) => output.write(`${traceLine(result)}\n`));
  output.write('watching the lab (Ctrl-C to stop)\n');
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve(0));
    client.socket.once('disconnect', () => resolve(1));
  });
}
