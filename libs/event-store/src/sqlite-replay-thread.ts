import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from './errors';

/** How many pages the thread may read ahead of the replay applying them. */
const PAGES_AHEAD = 8;
/** A thread waiting for room is woken once this many pages were taken, not at every page: each wake-up costs the main thread its CPU for a while on a busy machine (measured). */
const WAKE_AT = PAGES_AHEAD / 2;

/**
 * The thread's whole program, plain JavaScript so that it runs the same from ts sources, jest and the built
 * server: its own read-only connection (WAL lets it read while the main connection writes), and for each
 * stream asked, pages read one after the other into messages, at most PAGES_AHEAD ahead of the pages taken
 * (shared counter of free places, `room`). A stream ends after its last page, at a page too big to be one
 * string (`page` null: the caller reads it row by row), when cancelled, or at an error.
 */
const threadProgram = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
for (const pragma of workerData.pragmas) db.pragma(pragma);
const page = db.prepare(workerData.pageSql).raw(true);
parentPort.on('message', ({ stream, labId, from, to, pageSize, control }) => {
  const room = new Int32Array(control);
  for (;;) {
    let free;
    while (Atomics.load(room, 1) === 0 && (free = Atomics.load(room, 0)) < (free === 0 ? ${WAKE_AT} : 1)) Atomics.wait(room, 0, free);
    if (Atomics.load(room, 1) !== 0) return;
    Atomics.sub(room, 0, 1);
    let row;
    try {
      row = page.get(workerData.maxPageBytes, labId, from, to, pageSize);
    } catch (error) {
      if (error.code !== 'SQLITE_TOOBIG') return parentPort.postMessage({ stream, error: { message: error.message, code: error.code } });
      row = [pageSize, null, null];
    }
    const [count, last, bytes] = row;
    const done = count < pageSize || bytes === null || last >= to;
    // The page's bytes are handed over, not copied (a Buffer of its own ArrayBuffer).
    parentPort.postMessage({ stream, from, bytes, done }, bytes === null ? [] : [bytes.buffer]);
    if (done) return;
    from = last + 1;
  }
});
`;

/** A page as the thread read it: JSON text as UTF-8, or null when it was too big for one string. */
export interface ThreadPage {
  from: number;
  bytes: Uint8Array | null;
}

interface Stream {
  pages: ThreadPage[];
  done: boolean;
  failure: Error | undefined;
  wake: (() => void) | undefined;
}

/**
 * Reads replay pages on a second connection in a worker thread while the main thread applies the pages
 * before: a long replay's SQLite reads leave the main thread. Started on first use; streams are served one
 * after the other (a stream is read to its end or cancelled).
 */
export class SqliteReplayThread {
  private worker: Worker | undefined;
  private readonly streams = new Map<number, Stream>();
  private nextStream = 0;

  constructor(
    private readonly path: string,
    /** Parameters (maxPageBytes, labId, from, to, pageSize); one row [count, last seq, JSON as a BLOB, or NULL when too big]. */
    private readonly pageSql: string,
    private readonly maxPageBytes: number,
    private readonly pragmas: string[],
  ) {}

  /** The pages of `from`..`to`, read ahead; stops after the last one, or after a page too big to be read as one string. */
  async *pages(labId: string, from: number, to: number, pageSize: number): AsyncGenerator<ThreadPage, void, undefined> {
    const worker = this.worker ?? this.start();
    const id = this.nextStream++;
    const stream: Stream = { pages: [], done: false, failure: undefined, wake: undefined };
    const control = new SharedArrayBuffer(8);
    const room = new Int32Array(control);
    room[0] = PAGES_AHEAD;
    this.streams.set(id, stream);
    // Waiting for a page keeps the process alive, as a read on the main connection would; an idle thread does not.
    worker.ref();
    worker.postMessage({ stream: id, labId, from, to, pageSize, control });
    try {
      for (;;) {
        if (stream.pages.length === 0 && !stream.done && !stream.failure) await new Promise<void>((resolve) => (stream.wake = resolve));
        if (stream.failure) throw stream.failure;
        const page = stream.pages.shift();
        if (!page) return;
        if (Atomics.add(room, 0, 1) + 1 === WAKE_AT) Atomics.notify(room, 0);
        yield page;
      }
    } finally {
      Atomics.store(room, 1, 1);
      Atomics.notify(room, 0);
      this.streams.delete(id);
      if (this.streams.size === 0) worker.unref();
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.failAll(new StoreUnavailableError('event store is closed'));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(threadProgram, {
      eval: true,
      // Plain JavaScript: not the parent's preloads (a TypeScript loader in development costs the thread ~0.3 s to start).
      execArgv: [],
      workerData: { driver: require.resolve('better-sqlite3'), path: this.path, pageSql: this.pageSql, maxPageBytes: this.maxPageBytes, pragmas: this.pragmas },
    });
    worker.on('message', (message: { stream: number; from: number; bytes: Uint8Array | null; done: boolean; error?: { message: string; code?: string } }) => {
      const stream = this.streams.get(message.stream);
      if (!stream) return;
      if (message.error) stream.failure = Object.assign(new Error(message.error.message), { code: message.error.code });
      else {
        stream.pages.push({ from: message.from, bytes: message.bytes });
        stream.done = message.done;
      }
      wake(stream);
    });
    // The thread could not open the database, or is gone: its streams fail, the next one starts a new thread.
    const fail = (cause: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(new StoreUnavailableError(`sqlite replay thread: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const stream of this.streams.values()) {
      stream.failure ??= error;
      wake(stream);
    }
  }
}

function wake(stream: Stream): void {
  const resolve = stream.wake;
  stream.wake = undefined;
  resolve?.();
}
