import { io, type Socket } from 'socket.io-client';
import type { Hop, LabApi, LabSession, TimelineEntry, TraceResult } from './api';

export interface Member {
  id: string;
  name: string;
  role: string;
}

export interface LiveHandlers {
  /** Something was appended (by anyone): the lab moved to this version. */
  changed(version: number): void;
  presence(members: Member[]): void;
  hop(traceId: string, hop: Hop): void;
  trace(result: TraceResult): void;
  /** A derived occurrence (kube-proxy sync, endpoints update...) for the timeline. */
  derived(occurrence: TimelineEntry): void;
  /** The instructor asks everyone to look at this trace. */
  follow(traceId: string, by: Member | undefined): void;
  status(connected: boolean): void;
}

const POLL_MS = 2000;

/**
 * The lab's live feed over socket.io namespace /labs. While the socket is not connected (the server has no gateway,
 * or it is restarting) the client polls the timeline for new events, so changes still show, and says it is offline.
 */
export class LiveFeed {
  readonly socket: Socket;
  private version = 0;
  private poller: ReturnType<typeof setInterval> | undefined;

  constructor(
    session: LabSession,
    private readonly api: LabApi,
    private readonly handlers: LiveHandlers,
  ) {
    this.socket = io('/labs', { auth: { token: session.token, lab: session.lab, batch: true }, transports: ['websocket', 'polling'] });
    this.socket.on('connect', () => {
      this.stopPolling();
      handlers.status(true);
    });
    this.socket.on('connect_error', () => this.offline());
    this.socket.on('disconnect', () => this.offline());
    this.socket.on('event', (event: { seq?: number; version?: number }) => this.advance(event.seq ?? event.version ?? this.version + 1));
    this.socket.on('presence', (message: { members: Member[] }) => handlers.presence(message.members ?? []));
    this.socket.on('hop', (message: { traceId: string; hop: Hop }) => handlers.hop(message.traceId, message.hop));
    this.socket.on('trace', (result: TraceResult) => handlers.trace(result));
    this.socket.on('derived', (occurrence: Omit<TimelineEntry, 'kind'>) => handlers.derived({ ...occurrence, kind: 'derived' }));
    this.socket.on('follow', (message: { traceId: string; by?: Member }) => handlers.follow(message.traceId, message.by));
    // With batch: true the server packs event/hop/trace/derived of one turn into one `batch` frame.
    this.socket.on('batch', (messages: [string, unknown][]) => {
      for (const [name, payload] of messages) for (const listener of this.socket.listeners(name)) listener(payload);
    });
  }

  /** The version the client has shown; events at or below it are not news. */
  known(version: number): void {
    this.version = Math.max(this.version, version);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Sends a message with acknowledgement; undefined when the socket is not connected or the server does not answer. */
  async request<T>(name: string, payload: unknown, timeoutMs = 5000): Promise<T | undefined> {
    if (!this.socket.connected) return undefined;
    try {
      return (await this.socket.timeout(timeoutMs).emitWithAck(name, payload)) as T;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.stopPolling();
    this.socket.close();
  }

  private advance(version: number): void {
    if (version <= this.version) return;
    this.version = version;
    this.handlers.changed(version);
  }

  private offline(): void {
    this.handlers.status(false);
    if (this.poller) return;
    this.poller = setInterval(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    try {
      const entries: TimelineEntry[] = await this.api.timeline(this.version);
      const last = entries.filter((entry) => entry.kind === 'event').at(-1);
      if (last?.seq) this.advance(last.seq);
    } catch {
      // The server is unreachable: the next poll tries again.
    }
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
