// The socket.io clients of bench/gateway.bench.ts, in their own process (child_process.fork) so that
// they do not share an event loop with the server they measure; the bench may start several. Driven over IPC:
//   { connect: { url, auth?, count, members } } -> { connected: { ms, presenceLists } } once this process's `count`
//                                          clients are in and, for the gateway, each holds the full member list
//                                          (`members`: the clients of every process)
//   { await: { events, hops } }         -> { report: ... } once every client got that many events and hops:
//                                          per event and hop [key, sentAt, last receipt], and this process's
//                                          CPU time since the previous report or connect
//   { close: true }                     -> { closed: true }
// Each client takes `event` and `hop` one by one and `batch` ([[name, payload], ...]) alike, and fully decodes
// every message as a browser would. A message's latency to the last client is the latest wall time of receipt
// minus the send time it carries (the event's recordedAt, the hop's sentAt): one machine, one clock. The
// bookkeeping stays light so that it does not add to what it measures: one clock reading per frame (every item
// of a batch arrived with it) and one Date.parse per event, not per event and client (each costs about as
// much as decoding the event).
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface Delivery {
  clients: number;
  sentAt: number;
  /** The latest receipt over the clients so far. */
  lastReceivedAt: number;
}

type Command = { connect: { url: string; auth?: Record<string, unknown>; count: number; members: number } } | { await: { events: number; hops: number } } | { close: true };

const CONNECT_BATCH = 50;
const wallNow = () => performance.timeOrigin + performance.now();

let sockets: Socket[] = [];
let events = new Map<number, Delivery>();
let hops = new Map<number, Delivery>();
let outOfOrder = 0;
let frames = 0;
let presenceLists: number[] = [];
/** CPU time of this process at the last report: each report says how much decoding and bookkeeping cost since. */
let cpuAtLastReport = process.cpuUsage();
let fullPresence = 0;

function record(deliveries: Map<number, Delivery>, key: number, receivedAt: number, sentAt: number | string): void {
  const delivery = deliveries.get(key);
  if (!delivery) deliveries.set(key, { clients: 1, sentAt: typeof sentAt === 'string' ? Date.parse(sentAt) : sentAt, lastReceivedAt: receivedAt });
  else {
    delivery.clients++;
    if (receivedAt > delivery.lastReceivedAt) delivery.lastReceivedAt = receivedAt;
  }
}

const receipts = (deliveries: Map<number, Delivery>) => [...deliveries].map(([key, delivery]) => [key, delivery.sentAt, delivery.lastReceivedAt]);

function listen(socket: Socket, index: number, members: number): void {
  let lastSeq = -1;
  let lastPresenceFull = false;
  const onEvent = (event: { seq: number; recordedAt: string }, receivedAt: number) => {
    if (lastSeq !== -1 && event.seq !== lastSeq + 1) outOfOrder++;
    lastSeq = event.seq;
    record(events, event.seq, receivedAt, event.recordedAt);
  };
  const onHop = (message: { hop: { index: number; sentAt: number } }, receivedAt: number) => record(hops, message.hop.index, receivedAt, message.hop.sentAt);
  socket.on('event', (event) => {
    frames++;
    onEvent(event, wallNow());
  });
  socket.on('hop', (message) => {
    frames++;
    onHop(message, wallNow());
  });
  socket.on('batch', (items: [string, never][]) => {
    frames++;
    const receivedAt = wallNow();
    for (const [name, payload] of items) {
      if (name === 'event') onEvent(payload, receivedAt);
      else if (name === 'hop') onHop(payload, receivedAt);
    }
  });
  socket.on('presence', (message: { members: unknown[] }) => {
    presenceLists[index]++;
    const full = message.members.length === members;
    if (full !== lastPresenceFull) fullPresence += full ? 1 : -1;
    lastPresenceFull = full;
  });
}

async function connect(url: string, auth: Record<string, unknown> | undefined, count: number, members: number): Promise<void> {
  events = new Map();
  hops = new Map();
  outOfOrder = 0;
  frames = 0;
  presenceLists = new Array<number>(count).fill(0);
  fullPresence = 0;
  const started = performance.now();
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false }));
    batch.forEach((socket, j) => listen(socket, i + j, members));
    await Promise.all(batch.map((socket) => new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)))));
    sockets.push(...batch);
  }
  // The gateway announces presence; a bare server does not (auth undefined).
  if (auth) await until(() => fullPresence === count);
  const sorted = [...presenceLists].sort((a, b) => a - b);
  cpuAtLastReport = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuAtLastReport);
  cpuAtLastReport = process.cpuUsage();
  const exactlyOnce = [...events.values(), ...hops.values()].every((delivery) => delivery.clients === sockets.length);
  process.send!({
    report: {
      events: receipts(events),
      hops: receipts(hops),
      exactlyOnce: exactlyOnce && events.size === expectedEvents && hops.size === expectedHops,
      outOfOrder,
      frames,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    },
  });
}

process.on('message', (command: Command) => {
  const handled =
    'connect' in command
      ? connect(command.connect.url, command.connect.auth, command.connect.count, command.connect.members)
      : 'await' in command
        ? awaitDeliveries(command.await.events, command.await.hops)
        : Promise.resolve().then(() => {
            for (const socket of sockets) socket.close();
            sockets = [];
            process.send!({ closed: true });
          });
  handled.catch((error: unknown) => process.send!({ error: String(error) }));
});
