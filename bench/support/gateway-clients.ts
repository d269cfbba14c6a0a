// The socket.io clients of bench/gateway.bench.ts, in their own process (child_process.fork) so that
// they do not share an event loop with the server they measure. Driven over IPC:
//   { connect: { url, auth?, count } }  -> { connected: { ms, presenceLists } } once every client is in and,
//                                          for the gateway, every client holds the full member list
//   { await: { events, hops } }         -> { report: ... } once every client got that many events and hops
//   { close: true }                     -> { closed: true }
// A message's latency to a client is the wall time of receipt minus the send time it carries (the event's
// recordedAt, the hop's sentAt): one machine, one clock.
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface Delivery {
  clients: number;
  /** The largest receipt - sent over the clients so far: the latency to the last client. */
  latency: number;
}

type Command = { connect: { url: string; auth?: Record<string, unknown>; count: number } } | { await: { events: number; hops: number } } | { close: true };

const CONNECT_BATCH = 50;
const wallNow = () => performance.timeOrigin + performance.now();

let sockets: Socket[] = [];
let events = new Map<number, Delivery>();
let hops = new Map<number, Delivery>();
let outOfOrder = 0;
let presenceLists: number[] = [];
let fullPresence = 0;

function record(deliveries: Map<number, Delivery>, key: number, sentAt: number): void {
  const latency = wallNow() - sentAt;
  const delivery = deliveries.get(key);
  if (!delivery) deliveries.set(key, { clients: 1, latency });
  else {
    delivery.clients++;
    if (latency > delivery.latency) delivery.latency = latency;
  }
}

function listen(socket: Socket, index: number, count: number): void {
  let lastSeq = -1;
  let lastPresenceFull = false;
  socket.on('event', (event: { seq: number; recordedAt: string }) => {
    if (lastSeq !== -1 && event.seq !== lastSeq + 1) outOfOrder++;
    lastSeq = event.seq;
    record(events, event.seq, Date.parse(event.recordedAt));
  });
  socket.on('hop', (message: { hop: { index: number; sentAt: number } }) => record(hops, message.hop.index, message.hop.sentAt));
  socket.on('presence', (message: { members: unknown[] }) => {
    presenceLists[index]++;
    const full = message.members.length === count;
    if (full !== lastPresenceFull) fullPresence += full ? 1 : -1;
    lastPresenceFull = full;
  });
}

async function connect(url: string, auth: Record<string, unknown> | undefined, count: number): Promise<void> {
  events = new Map();
  hops = new Map();
  outOfOrder = 0;
  presenceLists = new Array<number>(count).fill(0);
  fullPresence = 0;
  const started = performance.now();
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false }));
    batch.forEach((socket, j) => listen(socket, i + j, count));
    await Promise.all(batch.map((socket) => new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)))));
    sockets.push(...batch);
  }
  // The gateway announces presence; a bare server does not (auth undefined).
  if (auth) await until(() => fullPresence === count);
  const sorted = [...presenceLists].sort((a, b) => a - b);
  process.send!({ connected: { ms: Math.round(performance.now() - started), presenceLists: auth ? { max: sorted.at(-1), median: sorted[Math.floor(count / 2)] } : null } });
}

function until(done: () => boolean, timeoutMs = 180_000): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => (done() ? resolve() : performance.now() - started > timeoutMs ? reject(new Error('timed out')) : setTimeout(check, 2));
    check();
  });
}

const allDelivered = (deliveries: Map<number, Delivery>, expected: number) =>
  deliveries.size >= expected && [...deliveries.values()].every((delivery) => delivery.clients >= sockets.length);

async function awaitDeliveries(expectedEvents: number, expectedHops: number): Promise<void> {
  await until(() => allDelivered(events, expectedEvents) && allDelivered(hops, expectedHops));
  const exactlyOnce = [...events.values(), ...hops.values()].every((delivery) => delivery.clients === sockets.length);
  process.send!({
    report: {
      events: [...events.values()].map((delivery) => delivery.latency),
      hops: [...hops.values()].map((delivery) => delivery.latency),
      exactlyOnce: exactlyOnce && events.size === expectedEvents && hops.size === expectedHops,
      outOfOrder,
    },
  });
}

process.on('message', (command: Command) => {
  const handled =
    'connect' in command
      ? connect(command.connect.url, command.connect.auth, command.connect.count)
      : 'await' in command
        ? awaitDeliveries(command.await.events, command.await.hops)
        : Promise.resolve().then(() => {
            for (const socket of sockets) socket.close();
            sockets = [];
            process.send!({ closed: true });
          });
  handled.catch((error: unknown) => process.send!({ error: String(error) }));
});
