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

/**
 * A socket.io client of namespace /labs that records every `event` it receives. With `batch: true` in
 * its auth it takes live messages in `batch` messages and unpacks them in order, as a browser would.
 */
export interface LabClient {
  socket: Socket;
  events: EventMessage[];
  /** How many `batch` messages it received. */
  batches: number;
  /** Every other message received, in order, as [name, payload]. */
  messages: [string, unknown][];
  /** Resolves with the first message `name` (received already or later) that satisfies `accept`. */
  message<T>(name: string, accept?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  seqs(): number[];
  /** Resolves once the client has received the event with this seq. */
  until(seq: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function labClient(url: string, auth: Record<string, unknown>): LabClient {
  const socket = io(`${url}/labs`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  const events: EventMessage[] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  const messages: [string, unknown][] = [];
  const listeners = new Set<() => void>();
  const receive = (name: string, payload: unknown) => {
    if (name === 'event') {
      const event = payload as EventMessage;
      events.push(event);
      for (const waiter of waiters.filter((w) => w.seq <= event.seq)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      return;
    }
    messages.push([name, payload]);
    for (const listener of [...listeners]) listener();
  };
  const client: LabClient = {
    socket,
    events,
    batches: 0,
    messages,
    message: <T>(name: string, accept: (payload: T) => boolean = () => true, timeoutMs = 5000) =>
      new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = messages.find(([n, payload]) => n === name && accept(payload as T));
          if (!found) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(found[1] as T);
          return true;
        };
        const listener = () => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching ${name} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) listeners.add(listener);
      }),
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
  socket.onAny((name: string, payload: unknown) => {
    if (name !== 'batch') return receive(name, payload);
    client.batches++;
    for (const [inner, innerPayload] of payload as [string, unknown][]) receive(inner, innerPayload);
  });
  return client;
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
