// 1,000 socket.io clients in one lab and a burst of 1,000 mutations: latency from each append to
// the last client that receives it, against a bare socket.io broadcast of the same payloads at the
// same moments in the same run. Targets: p99 <= 100 ms, ratio <= 1.3.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { eventView, type EventView } from '../apps/server/src/gateway/event-view';
import { LabCommandsService } from '../apps/server/src/mutations/lab-commands.service';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { startServer, tempDatabase } from '../test/support/test-server';

const CLIENTS = Number(process.env.GATEWAY_BENCH_CLIENTS ?? 1000);
const MUTATIONS = Number(process.env.GATEWAY_BENCH_MUTATIONS ?? 1000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Connects `count` clients; `lastReceipt[seq]` becomes the time the last of them got event `seq`. */
async function connectClients(url: string, auth: Record<string, unknown> | undefined, count: number, lastReceipt: Map<number, number>, received: Map<number, number>) {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () => io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false }));
    await Promise.all(batch.map((socket) => new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)))));
    sockets.push(...batch);
  }
  for (const socket of sockets) {
    socket.on('event', (event: EventView) => {
      lastReceipt.set(event.seq, performance.now());
      received.set(event.seq, (received.get(event.seq) ?? 0) + 1);
    });
  }
  return sockets;
}

function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => (done() ? resolve() : performance.now() - started > timeoutMs ? reject(new Error('timed out waiting for deliveries')) : setTimeout(check, 5));
    check();
  });
}

function latencies(sent: Map<number, number>, lastReceipt: Map<number, number>) {
  const values = [...sent].map(([seq, at]) => lastReceipt.get(seq)! - at).sort((a, b) => a - b);
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(values[values.length - 1]) };
}

export async function run(): Promise<Record<string, unknown>> {
  const database = tempDatabase();
  const server = await startServer({ databaseUrl: database.url, logLevel: 'silent' });
  const runtime = server.app.get(LabRuntime);
  const commands = server.app.get(LabCommandsService);
  const created = await fetch(`${server.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) });
  const lab = (await created.json()) as { id: string; version: number; tokens: { observer: string } };

  const lastReceipt = new Map<number, number>();
  const received = new Map<number, number>();
  const sockets = await connectClients(`${server.url}/labs`, { token: lab.tokens.observer, lab: lab.id }, CLIENTS, lastReceipt, received);
  const appendedAt = new Map<number, number>();
  const payloads: EventView[] = [];
  runtime.appended.subscribe(({ events }) => {
    for (const event of events) {
      appendedAt.set(event.seq, performance.now());
      payloads.push(eventView(event));
    }
  });

  const burstStarted = performance.now();
  await Promise.all(Array.from({ length: MUTATIONS }, () => commands.execute(lab.id, commands.clock({ advance: '1s' }), { actor: 'student' })));
  const lastSeq = lab.version + MUTATIONS;
  await until(() => (received.get(lastSeq) ?? 0) >= CLIENTS, 120_000);
  const gatewayWall = performance.now() - burstStarted;
  const exactlyOnce = [...appendedAt.keys()].every((seq) => received.get(seq) === CLIENTS);
  const gateway = latencies(appendedAt, lastReceipt);
  for (const socket of sockets) socket.close();
  await server.app.close();
  database.cleanup();

  // The bare baseline: the same payloads, emitted to a room at the same offsets as the appends happened.
  const http = createServer();
  const bare = new Server(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  bare.on('connection', (socket) => void socket.join('lab'));
  const bareReceipt = new Map<number, number>();
  const bareReceived = new Map<number, number>();
  const bareSockets = await connectClients(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, undefined, CLIENTS, bareReceipt, bareReceived);
  const firstAppend = Math.min(...appendedAt.values());
  const sentAt = new Map<number, number>();
  const bareStarted = performance.now();
  for (const payload of payloads) {
    const due = bareStarted + (appendedAt.get(payload.seq)! - firstAppend);
    while (performance.now() < due) await new Promise((resolve) => setImmediate(resolve));
    sentAt.set(payload.seq, performance.now());
    bare.to('lab').emit('event', payload);
  }
  await until(() => (bareReceived.get(lastSeq) ?? 0) >= CLIENTS, 120_000);
  const baseline = latencies(sentAt, bareReceipt);
  for (const socket of bareSockets) socket.close();
  await new Promise((resolve) => bare.close(resolve));

  return {
    clients: CLIENTS,
    mutations: MUTATIONS,
    gatewayMs: { ...gateway, burstWall: Math.round(gatewayWall) },
    bareSocketIoMs: baseline,
    ratio: { p50: round(gateway.p50 / baseline.p50), p99: round(gateway.p99 / baseline.p99) },
    everyClientEveryEventOnce: exactlyOnce,
    targets: { p99Ms: 100, ratio: 1.3 },
  };
}
