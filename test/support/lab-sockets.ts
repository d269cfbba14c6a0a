import { io, type Socket } from 'socket.io-client';

export interface EventMessage {
  seq: number;
  type: string;
  data: unknown;
}

export interface CreatedLab {
  id: string;
  version: number;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

/** A socket.io client of namespace /labs that records every `event` it receives. */
export interface LabClient {
  socket: Socket;
  events: EventMessage[];
  seqs(): number[];
  /** Resolves once the client has received the event with this seq. */
  until(seq: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function labClient(url: string, auth: Record<string, unknown>): LabClient {
  const socket = io(`${url}/labs`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  const events: EventMessage[] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  socket.on('event', (event: EventMessage) => {
    events.push(event);
    for (const waiter of waiters.filter((w) => w.seq <= event.seq)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return {
    socket,
    events,
    seqs: () => events.map((e) => e.seq),
    until: (seq, timeoutMs = 10_000) =>
      events.some((e) => e.seq >= seq)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no event ${seq} within ${timeoutMs} ms; last ${events.at(-1)?.seq}`)), timeoutMs);
            waiters.push({ seq, resolve: () => (clearTimeout(timer), resolve()) });
          }),
    close: () => socket.close(),
  };
}

/** Resolves when the socket is connected (after the server's catch-up began), rejects with the connect_error. */
export function connected(client: LabClient): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.socket.connected) return resolve();
    client.socket.once('connect', () => resolve());
    client.socket.once('connect_error', (error) => reject(error));
  });
}

export function nextMessage<T>(socket: Socket, name: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(name, (message: T) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
