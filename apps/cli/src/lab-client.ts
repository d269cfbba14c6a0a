import { io, type Socket } from 'socket.io-client';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  version: number;
  events: { seq: number }[];
  context: string;
  prompt: string;
  /** The line goes on (`kubectl get -w`): its output comes as `exec:output` until interrupt(). */
  watching?: boolean;
}

export interface LabEvent {
  seq: number;
  type: string;
  actor: string;
  time: number;
  data?: unknown;
}

export interface Hop {
  index: number;
  node: string;
  netns: string;
  device: string;
  layer: string;
  action: string;
  summary: string;
}

export interface TraceResult {
  id: string;
  verdict: string;
  reason: string;
  hops: Hop[];
}

/** One lab as the CLI talks to it: REST for requests, socket.io (/labs) for what happens live. */
export class LabClient {
  readonly socket: Socket;

  constructor(
    private readonly origin: string,
    private readonly labId: string,
    private readonly token: string,
  ) {
    this.socket = io(`${origin}/labs`, { auth: { token, lab: labId, name: 'hoplab-cli', batch: true }, transports: ['websocket'], reconnection: false, autoConnect: false });
    // With batch: true the server packs event/hop/trace/derived of one turn into one `batch` frame.
    this.socket.on('batch', (messages: [string, unknown][]) => {
      for (const [name, payload] of messages) for (const listener of this.socket.listeners(name)) listener(payload);
    });
  }

  /** Connects the socket; a refused handshake rejects with the server's problem text. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (error: Error & { data?: { detail?: string } }) => reject(new Error(error.data?.detail ?? error.message)));
      this.socket.connect();
    });
  }

  close(): void {
    this.socket.close();
  }

  /** A shell line: over the socket when the server's shell answers there, else POST /exec. */
  async exec(command: string, context: string): Promise<ExecResult> {
    const ack = (await this.socket.timeout(60_000).emitWithAck('exec', { command, context }).catch(() => undefined)) as { ok?: boolean; error?: { status?: number } } | undefined;
    if (ack?.ok) return ack as unknown as ExecResult;
    if (ack && ack.error?.status !== 501) throw new Error(problemText(ack.error));
    return this.post<ExecResult>('exec', { command, context });
  }

  /** Ctrl-C for the running line. */
  async interrupt(): Promise<void> {
    await this.socket.timeout(10_000).emitWithAck('interrupt', {}).catch(() => undefined);
  }

  startTrace(request: Record<string, unknown>): Promise<TraceResult> {
    return this.post<TraceResult>('traces', { ...request, stream: true });
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.origin}/api/labs/${encodeURIComponent(this.labId)}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
    const payload = (await response.json()) as T;
    if (!response.ok) throw new Error(problemText(payload));
    return payload;
  }
}

function problemText(problem: unknown): string {
  const detail = (problem as { detail?: string } | undefined)?.detail;
  return detail ?? JSON.stringify(problem);
}
