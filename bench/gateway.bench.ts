// 1,000 socket.io clients in one lab, in processes of their own (bench/support/gateway-clients.ts), one per
// core by default (GATEWAY_BENCH_CLIENT_PROCESSES): 1,000 real clients are 1,000 machines, and one process
// decoding for all of them would measure that process rather than the server. Two phases,
// each awaited until every client has everything: a 50-hop trace streamed with no pacing, then a burst of
// 1,000 mutations. Latency of each message from its send time (the event's append time, recordedAt; the
// trace's broadcast time) to the last client that receives it.
//
// Rounds, in one run, on one pair of processes:
//   gateway          clients that ask for batches (handshake batch: true): everything of one turn of the
//                    server's event loop in one `batch` frame per client
//   bare (batched)   a plain socket.io server sending the same payloads the same way: the hops in one emit to
//                    the room, each event at its append's offset, what fell due in one turn in one emit
//   gatewaySingles   clients that take each message on its own (API.md's `event`, `hop`), for reference
//   bare (singles)   a plain socket.io server, one emit to the room per hop and per event, for reference
// Each bare round replays its gateway round's appends (same payloads, same offsets); the ratios compare
// the two rounds that send the same way. Reading the figures: eventMs ends when the last client has decoded
// the event, and the client processes decode 1,000 copies of each (burstCpuMs.clients, about 1 µs per event
// and client): that, shared with the server on the machine's cores, bounds eventMs from below for the gateway
// and the bare server alike. writtenMs is the server's share alone.
// Targets: p99 <= 100 ms, ratio <= 1.3.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { eventView, type EventView } from '../apps/server/src/runtime/event-view';
import { LabOutbox, type BatchItem } from '../apps/server/src/gateway/lab-outbox';
import { LiveBroadcaster } from '../apps/server/src/gateway/live-broadcaster.service';
import { LabCommandsService } from '../apps/server/src/mutations/lab-commands.service';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { startServer, tempDatabase } from '../test/support/test-server';

const CLIENTS = Number(process.env.GATEWAY_BENCH_CLIENTS ?? 1000);
const MUTATIONS = Number(process.env.GATEWAY_BENCH_MUTATIONS ?? 1000);
const HOPS = Number(process.env.GATEWAY_BENCH_HOPS ?? 50);
const CLIENT_PROCESSES = Number(process.env.GATEWAY_BENCH_CLIENT_PROCESSES ?? availableParallelism());
/** GATEWAY_BENCH_SINGLES=0 skips the per-message reference rounds (the slow half of the run). */
const SINGLES = process.env.GATEWAY_BENCH_SINGLES !== '0';

/** [event seq or hop index, sent at, last receipt] */
type Receipt = [number, number, number];

/** What one client process reports. */
interface ProcessReport {
  events: Receipt[];
  hops: Receipt[];
  exactlyOnce: boolean;
  outOfOrder: number;
  frames: number;
  cpuMs: number;
}

/** What all client processes saw: each message's latency to the last client of any process. */
interface ClientsReport {
  events: number[];
  hops: number[];
  exactlyOnce: boolean;
  outOfOrder: number;
  framesPerClient: number;
  cpuMs: number;
}

/** When each event of the gateway's burst was appended (ms after the first) and what it was: the bare rounds replay it. */
interface Burst {
  offsets: number[];
  payloads: EventView[];
}

type Clients = ReturnType<typeof clientPool>;

const wallNow = () => performance.timeOrigin + performance.now();
const round = (ms: number) => Math.round(ms * 100) / 100;
/** Waits for the next turn of the event loop, or sleeps until shortly before `dueIn` ms when that is further off (no spinning: the clients need the CPU). */
const nextTurn = (dueIn: number) => new Promise((resolve) => (dueIn > 2 ? setTimeout(resolve, dueIn - 1) : setImmediate(resolve)));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]) };
}

/** One client process and a request/answer over its IPC channel. */
function clientProcess() {
  const child: ChildProcess = fork(join(__dirname, 'support', 'gateway-clients.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
  const ask = <T>(command: object, answer: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        child.off('message', onMessage);
        if ('error' in message) reject(new Error(`clients: ${String(message.error)}`));
        else resolve(message[answer] as T);
      };
      child.on('message', onMessage);
      child.send(command);
    });
  return {
    connect: (url: string, auth: Record<string, unknown> | undefined, count: number) =>
      ask<{ ms: number; presenceLists: { max: number; median: number } | null }>({ connect: { url, auth, count, members: CLIENTS } }, 'connected'),
    deliveries: (events: number, hops: number) => ask<ProcessReport>({ await: { events, hops } }, 'report'),
    close: () => ask({ close: true }, 'closed'),
    exit: () => child.kill(),
  };
}

/** CLIENTS clients spread over CLIENT_PROCESSES processes, driven as one. */
function clientPool() {
  const processes = Array.from({ length: CLIENT_PROCESSES }, clientProcess);
  const shares = processes.map((_, index) => Math.floor(CLIENTS / CLIENT_PROCESSES) + (index < CLIENTS % CLIENT_PROCESSES ? 1 : 0));
  const latencies = (receipts: Receipt[][]) => {
    const merged = new Map<number, { sentAt: number; last: number }>();
    for (const [key, sentAt, last] of receipts.flat()) {
      const seen = merged.get(key);
      if (!seen) merged.set(key, { sentAt, last });
      else seen.last = Math.max(seen.last, last);
    }
    return [...merged.values()].map(({ sentAt, last }) => last - sentAt);
  };
  return {
    async connect(url: string, auth: Record<string, unknown> | undefined) {
      const started = performance.now();
      const joined = await Promise.all(processes.map((child, index) => child.connect(url, auth, shares[index])));
      const lists = joined.map((one) => one.presenceLists).filter((lists) => lists !== null);
      return {
        ms: Math.round(performance.now() - started),
        presenceLists: lists.length > 0 ? { max: Math.max(...lists.map((one) => one.max)), median: Math.max(...lists.map((one) => one.median)) } : null,
      };
    },
    async deliveries(events: number, hops: number): Promise<ClientsReport> {
      const reports = await Promise.all(processes.map((child) => child.deliveries(events, hops)));
      return {
        events: latencies(reports.map((report) => report.events)),
        hops: latencies(reports.map((report) => report.hops)),
        exactlyOnce: reports.every((report) => report.exactlyOnce),
        outOfOrder: reports.reduce((sum, report) => sum + report.outOfOrder, 0),
        framesPerClient: Math.round(reports.reduce((sum, report) => sum + report.frames, 0) / CLIENTS),
        cpuMs: reports.reduce((sum, report) => sum + report.cpuMs, 0),
      };
    },
    close: () => Promise.all(processes.map((child) => child.close())),
    exit: () => processes.forEach((child) => child.exit()),
  };
}

/** Hops shaped and sized like the tracer's, each carrying the wall time it is broadcast at. */
function traceHops(sentAt: number): Record<string, unknown>[] {
  return Array.from({ length: HOPS }, (_, index) => ({
    index,
    sentAt,
    node: `minikube-m0${(index % 3) + 2}`,
    device: index % 2 === 0 ? `veth${index.toString(16).padStart(8, '0')}` : 'cni0',
    kind: index % 2 === 0 ? 'veth' : 'bridge',
    description: 'forwarded by the bridge cni0 to the port of the destination pod (fdb entry learned on veth)',
    packet: { src: '10.244.1.5', dst: '10.244.2.7', protocol: 'tcp', sport: 40_000 + index, dport: 8080, ttl: 64 - (index >> 1) },
    verdict: 'forwarded',
  }));
}

/** CPU ms of this process (the server) since `since`. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
}

/**
 * What one round measured: the trace phase, then the burst phase; `serverCpuMs` is the burst's, appends
 * included. `writtenMs`: per event, from its append until the server had written its frame to every
 * client's socket (batched rounds) - the server's share of eventMs; the rest is the client processes
 * decoding 1,000 clients' copies.
 */
function figures(trace: ClientsReport, burst: ClientsReport, serverCpuMs: number, writtenMs: number[]) {
  return {
    hopMs: summary(trace.hops),
    eventMs: summary(burst.events),
    ...(writtenMs.length > 0 ? { writtenMs: summary(writtenMs) } : {}),
    framesPerClient: { trace: trace.framesPerClient, burst: burst.framesPerClient - trace.framesPerClient },
    burstCpuMs: { server: serverCpuMs, clients: burst.cpuMs },
    everyClientEveryMessageOnce: trace.exactlyOnce && burst.exactlyOnce,
    eventsOutOfOrder: burst.outOfOrder,
  };
}

async function gatewayRound(clients: Clients, batch: boolean) {
  const database = tempDatabase();
  const server = await startServer({ databaseUrl: database.url, logLevel: 'silent' });
  try {
    const runtime = server.app.get(LabRuntime);
    const commands = server.app.get(LabCommandsService);
    const created = await fetch(`${server.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) });
    const lab = (await created.json()) as { id: string; version: number; tokens: { observer: string } };
    const joined = await clients.connect(`${server.url}/labs`, { token: lab.tokens.observer, lab: lab.id, batch });
    const writtenAt = recordWrites(server.app.get(LabOutbox));

    await server.app.get(LiveBroadcaster).broadcastTrace(lab.id, 'bench', traceHops(wallNow()), { at: lab.version, verdict: 'delivered' }, 0);
    const trace = await clients.deliveries(0, HOPS);

    const appendedAt: number[] = [];
    const payloads: EventView[] = [];
    const appended = runtime.appended.subscribe(({ events }) => {
      for (const event of events) {
        appendedAt.push(performance.now());
        payloads.push(eventView(event));
      }
    });
    const burstStarted = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(Array.from({ length: MUTATIONS }, () => commands.execute(lab.id, commands.clock({ advance: '1s' }), { actor: 'student' })));
    const appendsMs = performance.now() - burstStarted;
    const burst = await clients.deliveries(MUTATIONS, HOPS);
    const deliveredMs = performance.now() - burstStarted;
    const serverCpuMs = cpuMsSince(cpuBefore);
    appended.unsubscribe();
    await clients.close();
    return {
      figures: {
        connect: { allJoinedWithFullPresenceMs: joined.ms, presenceListsPerClient: joined.presenceLists },
        burst: { appendsMs: Math.round(appendsMs), lastDeliveryMs: Math.round(deliveredMs) },
        ...figures(
          trace,
          burst,
          serverCpuMs,
          payloads.filter((event) => writtenAt.has(event.seq)).map((event) => writtenAt.get(event.seq)! - Date.parse(event.recordedAt)),
        ),
      },
      burst: { offsets: appendedAt.map((at) => at - appendedAt[0]), payloads },
    };
  } finally {
    await server.app.close();
    database.cleanup();
  }
}

/** Wall times at which the outbox's batches had been written to every client's socket, by the seq of each event they carried. */
function recordWrites(outbox: LabOutbox): Map<number, number> {
  const writtenAt = new Map<number, number>();
  const internals = outbox as unknown as { pending: Map<string, { local: BatchItem[] }> };
  const flush = outbox.flush.bind(outbox);
  outbox.flush = (labId) => {
    const items = internals.pending.get(labId)?.local ?? [];
    flush(labId);
    const at = wallNow();
    for (const [name, payload] of items) if (name === 'event') writtenAt.set((payload as EventView).seq, at);
  };
  return writtenAt;
}

/** A plain socket.io server replaying the trace and the burst; `batched`: what falls due in one turn goes in one emit. */
async function bareRound(clients: Clients, burst: Burst, batched: boolean) {
  const http = createServer();
  const bare = new Server(http);
  try {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    bare.on('connection', (socket) => void socket.join('lab'));
    await clients.connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, undefined);
    const room = bare.to('lab');

    const hops = traceHops(wallNow()).map((hop) => ({ traceId: 'bench', hop }));
    const result = { at: 1, verdict: 'delivered', id: 'bench' };
    if (batched) room.emit('batch', [...hops.map((hop) => ['hop', hop]), ['trace', result]]);
    else {
      for (const hop of hops) room.emit('hop', hop);
      room.emit('trace', result);
    }
    const trace = await clients.deliveries(0, HOPS);

    const started = performance.now();
    const startedWall = wallNow();
    const cpuBefore = process.cpuUsage();
    const writtenMs: number[] = [];
    for (let next = 0; next < burst.payloads.length; await nextTurn(burst.offsets[next] - (performance.now() - started))) {
      const now = performance.now() - started;
      const due: EventView[] = [];
      for (; next < burst.payloads.length && burst.offsets[next] <= now; next++) {
        due.push({ ...burst.payloads[next], recordedAt: new Date(startedWall + burst.offsets[next]).toISOString() });
      }
      if (due.length === 0) continue;
      if (batched) room.emit('batch', due.map((event) => ['event', event]));
      else for (const event of due) room.emit('event', event);
      const at = wallNow();
      if (batched) for (const event of due) writtenMs.push(at - Date.parse(event.recordedAt));
    }
    const events = await clients.deliveries(MUTATIONS, HOPS);
    const serverCpuMs = cpuMsSince(cpuBefore);
    await clients.close();
    return figures(trace, events, serverCpuMs, writtenMs);
  } finally {
    await new Promise((resolve) => bare.close(resolve));
  }
}

const ratio = (gateway: { p50: number; p99: number }, bare: { p50: number; p99: number }) => ({ p50: round(gateway.p50 / bare.p50), p99: round(gateway.p99 / bare.p99) });

export async function run(): Promise<Record<string, unknown>> {
  const clients = clientPool();
  const loadBefore = loadavg().map((load) => round(load));
  try {
    const gateway = await gatewayRound(clients, true);
    const bare = await bareRound(clients, gateway.burst, true);
    const result = {
      clients: CLIENTS,
      clientProcesses: CLIENT_PROCESSES,
      mutations: MUTATIONS,
      traceHops: HOPS,
      loadAverage: { before: loadBefore, after: loadavg().map((load) => round(load)) },
      gateway: gateway.figures,
      bare,
      ratio: { events: ratio(gateway.figures.eventMs, bare.eventMs), hops: ratio(gateway.figures.hopMs, bare.hopMs) },
      targets: { p99Ms: 100, ratio: 1.3 },
    };
    if (!SINGLES) return result;
    const singles = await gatewayRound(clients, false);
    const bareSingles = await bareRound(clients, singles.burst, false);
    return {
      ...result,
      gatewaySingles: singles.figures,
      bareSingles,
      singlesRatio: { events: ratio(singles.figures.eventMs, bareSingles.eventMs), hops: ratio(singles.figures.hopMs, bareSingles.hopMs) },
      loadAverage: { before: loadBefore, after: loadavg().map((load) => round(load)) },
    };
  } finally {
    clients.exit();
  }
}
