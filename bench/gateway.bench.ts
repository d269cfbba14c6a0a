// 1,000 socket.io clients in one lab (in their own process: bench/support/gateway-clients.ts), a
// 50-hop trace streamed with no pacing, then a burst of 1,000 mutations. Latency of each message
// from its send time (the event's append time, recordedAt; the hop's broadcast time) to the last
// client that receives it, against a bare socket.io server broadcasting the same payloads at the
// same offsets in the same run. Targets: p99 <= 100 ms, ratio <= 1.3.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { eventView, type EventView } from '../apps/server/src/runtime/event-view';
import { LiveBroadcaster } from '../apps/server/src/gateway/live-broadcaster.service';
import { LabCommandsService } from '../apps/server/src/mutations/lab-commands.service';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { startServer, tempDatabase } from '../test/support/test-server';

const CLIENTS = Number(process.env.GATEWAY_BENCH_CLIENTS ?? 1000);
const MUTATIONS = Number(process.env.GATEWAY_BENCH_MUTATIONS ?? 1000);
const HOPS = Number(process.env.GATEWAY_BENCH_HOPS ?? 50);

interface ClientsReport {
  events: number[];
  hops: number[];
  exactlyOnce: boolean;
  outOfOrder: number;
}

const wallNow = () => performance.timeOrigin + performance.now();
const round = (ms: number) => Math.round(ms * 100) / 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]) };
}

/** The client process and a request/answer over its IPC channel. */
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
    connect: (url: string, auth: Record<string, unknown> | undefined) => ask<{ ms: number; presenceLists: unknown }>({ connect: { url, auth, count: CLIENTS } }, 'connected'),
    deliveries: (events: number, hops: number) => ask<ClientsReport>({ await: { events, hops } }, 'report'),
    close: () => ask({ close: true }, 'closed'),
    exit: () => child.kill(),
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

export async function run(): Promise<Record<string, unknown>> {
  const clients = clientProcess();
  try {
    // The gateway, on its own in this process.
    const database = tempDatabase();
    const server = await startServer({ databaseUrl: database.url, logLevel: 'silent' });
    const runtime = server.app.get(LabRuntime);
    const commands = server.app.get(LabCommandsService);
    const created = await fetch(`${server.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) });
    const lab = (await created.json()) as { id: string; version: number; tokens: { observer: string } };
    const joined = await clients.connect(`${server.url}/labs`, { token: lab.tokens.observer, lab: lab.id });

    const traceStarted = wallNow();
    await server.app.get(LiveBroadcaster).broadcastTrace(lab.id, 'bench', traceHops(traceStarted), { at: lab.version, verdict: 'delivered' }, 0);
    const appendedAt = new Map<number, number>();
    const payloads: EventView[] = [];
    const appended = runtime.appended.subscribe(({ events }) => {
      for (const event of events) {
        appendedAt.set(event.seq, wallNow());
        payloads.push(eventView(event));
      }
    });
    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: MUTATIONS }, () => commands.execute(lab.id, commands.clock({ advance: '1s' }), { actor: 'student' })));
    const appendsMs = performance.now() - burstStarted;
    const gateway = await clients.deliveries(MUTATIONS, HOPS);
    const deliveredMs = performance.now() - burstStarted;
    appended.unsubscribe();
    await clients.close();
    await server.app.close();
    database.cleanup();

    // The bare baseline: a plain socket.io server, the same hops and event payloads at the same offsets.
    const http = createServer();
    const bare = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    bare.on('connection', (socket) => void socket.join('lab'));
    await clients.connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, undefined);
    for (const hop of traceHops(wallNow())) bare.to('lab').emit('hop', { traceId: 'bench', hop });
    const firstAppend = Math.min(...appendedAt.values());
    const bareStarted = performance.now();
    for (const payload of payloads) {
      const due = bareStarted + (appendedAt.get(payload.seq)! - firstAppend);
      while (performance.now() < due) await new Promise((resolve) => setImmediate(resolve));
      bare.to('lab').emit('event', { ...payload, recordedAt: new Date(wallNow()).toISOString() });
    }
    const baseline = await clients.deliveries(MUTATIONS, HOPS);
    await clients.close();
    await new Promise((resolve) => bare.close(resolve));

    const [gatewayEvents, bareEvents, gatewayHops, bareHops] = [summary(gateway.events), summary(baseline.events), summary(gateway.hops), summary(baseline.hops)];
    return {
      clients: CLIENTS,
      mutations: MUTATIONS,
      traceHops: HOPS,
      connect: { allJoinedWithFullPresenceMs: joined.ms, presenceListsPerClient: joined.presenceLists },
      burst: { appendsMs: Math.round(appendsMs), lastDeliveryMs: Math.round(deliveredMs) },
      gatewayEventMs: gatewayEvents,
      bareSocketIoEventMs: bareEvents,
      eventRatio: { p50: round(gatewayEvents.p50 / bareEvents.p50), p99: round(gatewayEvents.p99 / bareEvents.p99) },
      gatewayHopMs: gatewayHops,
      bareSocketIoHopMs: bareHops,
      hopRatio: { p50: round(gatewayHops.p50 / bareHops.p50), p99: round(gatewayHops.p99 / bareHops.p99) },
      everyClientEveryMessageOnce: gateway.exactlyOnce && baseline.exactlyOnce,
      eventsOutOfOrder: gateway.outOfOrder,
      targets: { p99Ms: 100, ratio: 1.3 },
    };
  } finally {
    clients.exit();
  }
}
