import type { Database, Statement } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { pagesOf, type EventRow, type EventToWrite, type NewLab, type ReplayRow, type StoreBackend, type StreamHead } from './backend';
import { LabAlreadyExistsError, StoreUnavailableError, VersionConflictError } from './errors';
import type { LabRecord, SnapshotRecord, TokenRole } from './records';
import { tokenRoles } from './records';
import { SerialQueue } from './serial-queue';
import { SqliteReplayThread } from './sqlite-replay-thread';

const eventColumns = 'global_position, lab_id, seq, type, version, data, actor, time, recorded_at';
type EventTuple = [number, string, number, string, number, string, string, number, string];
/** A stream's rows without lab_id: the caller knows it, and one string less per row counts on a long replay. */
const streamColumns = 'global_position, seq, type, version, data, actor, time, recorded_at';
type StreamTuple = [number, number, string, number, string, string, number, string];
type LabTuple = [string, string, string, string | null, number | null, number];
/**
 * A replay page is read as one string when its events' data is at most this big (ordinary pages are ~0.3 MB), row by
 * row otherwise: a page of big files could pass V8's string length limit, where better-sqlite3 aborts the process.
 */
const REPLAY_PAGE_BYTES = 8 * 1024 * 1024;
/** Reads map the file instead of copying pages through SQLite's cache: measured ~20% more events/s on a long replay. */
const MMAP_BYTES = 1 << 30;
/**
 * One JSON text per replay page, [seq, "type", version, time, data, ...]: one JSON.parse instead of a row object and a parse
 * per event (~45% more events/s read). `data` is JSON as written and types are registry names, so nothing needs quoting.
 * NULL when the page's data passes REPLAY_PAGE_BYTES (octet_length reads record headers only). Parameters: REPLAY_PAGE_BYTES,
 * lab id, from, to, page size.
 */
const replayPageText = `CASE WHEN SUM(octet_length(data)) <= ? THEN '[' || group_concat(seq || ',"' || type || '",' || version || ',' || time || ',' || data, ',') || ']' END`;
const replayPageRows = 'FROM (SELECT seq, type, version, time, data FROM events WHERE lab_id = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?)';
/** Replays longer than this many pages are read ahead on the replay thread; shorter ones (a tail after a snapshot) have no thread to wake. */
const THREAD_MIN_PAGES = 4;
const utf8 = new TextDecoder();
const labColumns = `l.id, l.name, l.created_at, l.parent_lab_id, l.fork_seq,
  COALESCE((SELECT MAX(seq) FROM events e WHERE e.lab_id = l.id), 0)`;

/**
 * SQLite through TypeORM's better-sqlite3 driver. TypeORM opens the database and runs the migrations;
 * queries go to the driver's connection as prepared statements, because TypeORM's async query path
 * alone halved batched-append throughput when measured. SQLite has one writer: every write runs
 * through one queue, each as a synchronous transaction.
 */
export class SqliteBackend implements StoreBackend {
  private readonly writes = new SerialQueue();
  private readonly statements: ReturnType<typeof prepare>;
  /** The statements of execute(), prepared once each. */
  private readonly prepared = new Map<string, Statement>();
  private readonly appendInTransaction: (labId: string, events: EventToWrite[], expected: number | 'any', recordedAt: string) => { head: StreamHead; rows: EventRow[] };
  /** Reads long replays ahead on a second connection; none for an in-memory database, which only its own connection sees. */
  private readonly replayThread: SqliteReplayThread | undefined;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly db: Database,
    path: string,
  ) {
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    this.replayThread =
      path === ':memory:' ? undefined : new SqliteReplayThread(path, `SELECT COUNT(*), MAX(seq), CAST(${replayPageText} AS BLOB) ${replayPageRows}`, REPLAY_PAGE_BYTES, [`mmap_size = ${MMAP_BYTES}`]);
    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process loses nothing
    // and the database stays consistent; a power cut may lose the last commits. FULL's fsync per commit
    // cost 2-4 ms of blocked event loop per mutation on this machine.
    db.pragma('synchronous = NORMAL');
    this.statements = prepare(db);
    this.appendInTransaction = db.transaction(this.appendNow.bind(this));
  }

  static async open(path: string): Promise<SqliteBackend> {
    const dataSource = new DataSource({
      type: 'better-sqlite3',
      database: path,
      enableWAL: path !== ':memory:',
      migrations,
    });
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      throw isUnavailable(error) ? new StoreUnavailableError(`cannot open sqlite database ${path}: ${(error as Error).message}`, { cause: error }) : error;
    }
    return new SqliteBackend(dataSource, (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection, path);
  }

  append(labId: string, events: EventToWrite[], expectedVersion: number | 'any', recordedAt: string) {
    return this.write(() => this.appendInTransaction(labId, events, expectedVersion, recordedAt));
  }

  async readStream(labId: string, from: number, to: number, limit: number): Promise<EventRow[]> {
    return this.translatingErrors(() => {
      const tuples = this.statements.readStream.all(labId, from, to, limit) as StreamTuple[];
      const rows = new Array<EventRow>(tuples.length);
      for (let i = 0; i < tuples.length; i++) rows[i] = toStreamRow(labId, tuples[i]);
      return rows;
    });
  }

  async *readReplayPages(labId: string, from: number, to: number, pageSize: number): AsyncGenerator<ReplayRow[], void, undefined> {
    if (!this.replayThread || to - from < THREAD_MIN_PAGES * pageSize) {
      yield* pagesOf((start) => this.readReplayNow(labId, start, to, pageSize), from, to, pageSize);
      return;
    }
    // A page too big for one string ends the thread's stream: it is read here, and a new stream goes on after it.
    for (let restart = true; restart && from <= to; ) {
      restart = false;
      try {
        for await (const page of this.replayThread.pages(labId, from, to, pageSize)) {
          const rows = page.bytes === null ? this.readReplayRows(labId, page.from, to, pageSize) : replayRowsOf(utf8.decode(page.bytes));
          if (rows.length === 0) return;
          from = rows[rows.length - 1].seq + 1;
          restart = page.bytes === null && rows.length === pageSize;
          yield rows;
        }
      } catch (error) {
        throw this.translated(error);
      }
    }
  }

  async readAll(after: number, limit: number): Promise<EventRow[]> {
    return this.translatingErrors(() => (this.statements.readAll.all(after, limit) as EventTuple[]).map(toEventRow));
  }

  async streamVersion(labId: string): Promise<number> {
    return this.translatingErrors(() => this.head(labId).version);
  }

  saveSnapshot(snapshot: SnapshotRecord, keep: number): Promise<void> {
    const { saveSnapshot, pruneSnapshots } = this.statements;
    return this.write(
      this.db.transaction(() => {
        saveSnapshot.run(snapshot.labId, snapshot.seq, snapshot.schemaVersion, JSON.stringify(snapshot.state));
        pruneSnapshots.run(snapshot.labId, snapshot.labId, keep);
      }),
    );
  }

  async loadLatestSnapshot(labId: string, atOrBefore: number, schemaVersion: number): Promise<SnapshotRecord | null> {
    return this.translatingErrors(() => {
      const row = this.statements.loadSnapshot.get(labId, atOrBefore, schemaVersion) as [number, string] | undefined;
      return row ? { labId, seq: row[0], schemaVersion, state: JSON.parse(row[1]) } : null;
    });
  }

  createLab(lab: NewLab, tokenHashes: Record<TokenRole, string>, events: EventToWrite[], recordedAt: string): Promise<EventRow[]> {
    const { insertLab, insertToken } = this.statements;
    return this.write(
      this.db.transaction(() => {
        try {
          insertLab.run(lab.id, lab.name, lab.createdAt, lab.parentLabId, lab.forkSeq);
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new LabAlreadyExistsError(lab.id);
          throw error;
        }
        for (const role of tokenRoles) insertToken.run(lab.id, role, tokenHashes[role]);
        return this.appendNow(lab.id, events, 0, recordedAt).rows;
      }),
    );
  }

  async getLab(id: string): Promise<LabRecord | null> {
    return this.translatingErrors(() => {
      const row = this.statements.getLab.get(id) as LabTuple | undefined;
      return row ? toLabRecord(row) : null;
    });
  }

  async labsForToken(tokenHash: string): Promise<{ lab: LabRecord; role: TokenRole }[]> {
    return this.translatingErrors(() =>
      (this.statements.labsForToken.all(tokenHash) as [...LabTuple, TokenRole][]).map((row) => ({ lab: toLabRecord(row), role: row[6] })),
    );
  }

  async roleOf(labId: string, tokenHash: string): Promise<TokenRole | null> {
    return this.translatingErrors(() => (this.statements.roleOf.get(labId, tokenHash) as [TokenRole] | undefined)?.[0] ?? null);
  }

  deleteLab(id: string): Promise<boolean> {
    const { deleteEvents, deleteTokens, deleteSnapshots, deleteLab } = this.statements;
    return this.write(
      this.db.transaction(() => {
        deleteEvents.run(id);
        deleteTokens.run(id);
        deleteSnapshots.run(id);
        return deleteLab.run(id).changes > 0;
      }),
    );
  }

  async ping(): Promise<void> {
    this.translatingErrors(() => this.statements.ping.get());
  }

  async execute(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    const statement = this.translatingErrors(() => this.prepared.get(sql) ?? this.prepared.set(sql, this.db.prepare(sql)).get(sql)!);
    if (statement.reader) return this.translatingErrors(() => statement.all(...parameters) as Record<string, unknown>[]);
    await this.write(() => statement.run(...parameters));
    return [];
  }

  async close(): Promise<void> {
    await this.replayThread?.close();
    await this.writes.drain();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private appendNow(labId: string, events: EventToWrite[], expectedVersion: number | 'any', recordedAt: string): { head: StreamHead; rows: EventRow[] } {
    const head = this.head(labId);
    if (expectedVersion !== 'any' && expectedVersion !== head.version) throw new VersionConflictError(labId, expectedVersion, head.version);
    const rows = events.map((event, index): EventRow => {
      const seq = head.version + index + 1;
      const { lastInsertRowid } = this.statements.insertEvent.run(labId, seq, event.type, event.version, JSON.stringify(event.data), event.actor, event.time, recordedAt);
      return { labId, seq, globalPosition: Number(lastInsertRowid), ...event, recordedAt };
    });
    const last = rows.at(-1);
    return { head: last ? { version: last.seq, globalPosition: last.globalPosition } : head, rows };
  }

  private head(labId: string): StreamHead {
    const row = this.statements.head.get(labId) as [number, number] | undefined;
    return row ? { version: row[0], globalPosition: row[1] } : { version: 0, globalPosition: 0 };
  }

  private write<T>(work: () => T): Promise<T> {
    return this.writes.run(() => this.translatingErrors(work));
  }

  private readReplayNow(labId: string, from: number, to: number, limit: number): ReplayRow[] {
    return this.translatingErrors(() => {
      let page: string | null;
      try {
        page = this.statements.readReplayPage.get(REPLAY_PAGE_BYTES, labId, from, to, limit) as string | null;
      } catch (error) {
        // Past SQLite's own string limit (1 GB) while concatenating: row by row too.
        if ((error as { code?: string }).code !== 'SQLITE_TOOBIG') throw error;
        page = null;
      }
      return page === null ? this.readReplayRows(labId, from, to, limit) : replayRowsOf(page);
    });
  }

  /** No event in the range, or more data than one string should hold: row by row. */
  private readReplayRows(labId: string, from: number, to: number, limit: number): ReplayRow[] {
    return (this.statements.readReplayRows.all(labId, from, to, limit) as [number, string, number, string, number][]).map(([seq, type, version, data, time]) => ({
      seq,
      type,
      version,
      data: JSON.parse(data),
      time,
    }));
  }

  private translatingErrors<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw this.translated(error);
    }
  }

  private translated(error: unknown): unknown {
    return isUnavailable(error) ? new StoreUnavailableError(`sqlite: ${(error as Error).message}`, { cause: error }) : error;
  }
}

function prepare(db: Database) {
  const tuples = (sql: string): Statement => db.prepare(sql).raw(true);
  return {
    head: tuples('SELECT seq, global_position FROM events WHERE lab_id = ? ORDER BY seq DESC LIMIT 1'),
    insertEvent: db.prepare('INSERT INTO events (lab_id, seq, type, version, data, actor, time, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    readStream: tuples(`SELECT ${streamColumns} FROM events WHERE lab_id = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?`),
    readReplayPage: db.prepare(`SELECT ${replayPageText} ${replayPageRows}`).pluck(true),
    readReplayRows: tuples('SELECT seq, type, version, data, time FROM events WHERE lab_id = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?'),
    readAll: tuples(`SELECT ${eventColumns} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`),
    saveSnapshot: db.prepare(
      `INSERT INTO snapshots (lab_id, seq, schema_version, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (lab_id, seq, schema_version) DO UPDATE SET state = excluded.state`,
    ),
    pruneSnapshots: db.prepare(
      `DELETE FROM snapshots WHERE lab_id = ? AND seq NOT IN
       (SELECT DISTINCT seq FROM snapshots WHERE lab_id = ? ORDER BY seq DESC LIMIT ?)`,
    ),
    loadSnapshot: tuples(
      'SELECT seq, state FROM snapshots WHERE lab_id = ? AND seq <= ? AND schema_version = ? ORDER BY seq DESC LIMIT 1',
    ),
    insertLab: db.prepare('INSERT INTO labs (id, name, created_at, parent_lab_id, fork_seq) VALUES (?, ?, ?, ?, ?)'),
    insertToken: db.prepare('INSERT INTO lab_tokens (lab_id, role, token_hash) VALUES (?, ?, ?)'),
    getLab: tuples(`SELECT ${labColumns} FROM labs l WHERE l.id = ?`),
    labsForToken: tuples(
      `SELECT ${labColumns}, t.role FROM lab_tokens t JOIN labs l ON l.id = t.lab_id WHERE t.token_hash = ? ORDER BY l.created_at, l.id`,
    ),
    roleOf: tuples('SELECT role FROM lab_tokens WHERE lab_id = ? AND token_hash = ?'),
    deleteEvents: db.prepare('DELETE FROM events WHERE lab_id = ?'),
    deleteTokens: db.prepare('DELETE FROM lab_tokens WHERE lab_id = ?'),
    deleteSnapshots: db.prepare('DELETE FROM snapshots WHERE lab_id = ?'),
    deleteLab: db.prepare('DELETE FROM labs WHERE id = ?'),
    ping: tuples('SELECT 1'),
  };
}

function replayRowsOf(page: string): ReplayRow[] {
  const flat = JSON.parse(page) as unknown[];
  const rows = new Array<ReplayRow>(flat.length / 5);
  for (let i = 0, j = 0; i < flat.length; i += 5, j++) {
    rows[j] = { seq: flat[i] as number, type: flat[i + 1] as string, version: flat[i + 2] as number, time: flat[i + 3] as number, data: flat[i + 4] };
  }
  return rows;
}

function toEventRow(row: EventTuple): EventRow {
  return {
    globalPosition: row[0],
    labId: row[1],
    seq: row[2],
    type: row[3],
    version: row[4],
    data: JSON.parse(row[5]),
    actor: row[6],
    time: row[7],
    recordedAt: row[8],
  };
}

function toStreamRow(labId: string, row: StreamTuple): EventRow {
  return {
    globalPosition: row[0],
    labId,
    seq: row[1],
    type: row[2],
    version: row[3],
    data: JSON.parse(row[4]),
    actor: row[5],
    time: row[6],
    recordedAt: row[7],
  };
}

function toLabRecord(row: LabTuple | [...LabTuple, TokenRole]): LabRecord {
  return { id: row[0], name: row[1], createdAt: row[2], parentLabId: row[3], forkSeq: row[4], version: row[5] };
}

function isUnavailable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^(SQLITE_(CANTOPEN|IOERR|BUSY|NOTADB|READONLY)|ENOTDIR|EACCES|EROFS|ENOENT|ENOSPC)/.test(code)) return true;
  return typeof message === 'string' && message.includes('database connection is not open');
}
