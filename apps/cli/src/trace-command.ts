import type { Hop, LabClient, TraceResult } from './lab-client';
import { hopLine, progressBar, traceLine } from './live-lines';

/**
 * `hoplab trace`: starts a streamed trace and shows its hops as the server paces them, with a
 * progress bar (redrawn in place on a terminal, one line per hop otherwise), then the verdict.
 */
export async function runTrace(client: LabClient, options: Record<string, string>, output: NodeJS.WritableStream, terminal: boolean): Promise<number> {
  if (!options.from || !options.to) throw new Error('trace needs --from and --to');
  const protocol = (options.protocol ?? 'TCP').toUpperCase();
  const request = {
    from: options.from,
    to: options.to,
    protocol,
    ...(options.port !== undefined ? { port: Number(options.port) } : {}),
    ...(options.pacing !== undefined ? { pacingMs: Number(options.pacing) } : {}),
  };
  const hops = new Map<string, Hop[]>();
  const finals = new Map<string, TraceResult>();
  let traceId: string | undefined;
  let total = 0;
  let done: (result: TraceResult) => void = () => undefined;
  const finished = new Promise<TraceResult>((resolve) => (done = resolve));

  const show = (hop: Hop) => {
    const bar = progressBar(hop.index + 1, total);
    if (terminal) output.write(`\r\x1b[K${hopLine(traceId!, hop)}\n${bar}`);
    else output.write(`${bar} ${hopLine(traceId!, hop)}\n`);
  };
  client.socket.on('hop', ({ traceId: id, hop }: { traceId: string; hop: Hop }) => {
    if (id === traceId) show(hop);
    else if (traceId === undefined) hops.set(id, [...(hops.get(id) ?? []), hop]);
  });
  client.socket.on('trace', (result: TraceResult) => {
    if (result.id === traceId) done(result);
    else if (traceId === undefined) finals.set(result.id, result);
  });

  const started = await client.startTrace(request);
  traceId = started.id;
  total = started.hops.length;
  output.write(`tracing ${request.from} → ${request.to}${request.port ? `:${request.port}` : ''}/${protocol} (${total} hops)\n`);
  for (const hop of hops.get(traceId) ?? []) show(hop);
  const early = finals.get(traceId);
  if (early) done(early);
  const result = await finished;
  if (terminal) output.write('\r\x1b[K');
  output.write(`${traceLine(result)}\n`);
  return result.verdict === 'delivered' ? 0 : 1;
}
