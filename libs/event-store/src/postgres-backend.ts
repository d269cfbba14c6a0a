import { DataSource, type QueryRunner } from 'typeorm';
import { migrations } from '../../../migrations';
import { pagesOf, type EventRow, type EventToWrite, type NewLab, type ReplayRow, type StoreBackend, type StreamHead } from './backend';
import { LabAlreadyExistsError, StoreUnavailableError, VersionConflictError } from './errors';
import type { LabRecord, SnapshotRecord, TokenRole } from './records';
import { tokenRoles } from './records';
import { checkSchemaName } from './store-url';

const eventColumns = 'global_position, lab_id, seq, type, version, data, actor, time, recorded_at';
const labColumns = `l.id, l.name, l.created_at, l.parent_lab_id, l.fork_seq,
  COALESCE((SELECT MAX(seq) FROM events e WHERE e.lab_id = l.id), 0) AS version`;

// Advisory lock keys (arbitrary constants, shared by every process using the database).
const appendLock = 7_146_581_001;
const migrationLock = 7_146_581_002;

interface EventRecord {
  global_position: string;
  lab_id: string;
  seq: number;
  type: string;
  version: number;
  data: unknown;
  actor: string;
  time: string;
  recorded_at: Date;
}
interface LabRow {
  id: string;
  name: string;
  created_at: Date;
  parent_lab_id: string | null;
  fork_seq: number | null;
  version: number;
}

type Sql = (query: string, parameters?: unknown[]) => Promise<{ records: unknown[]; affected?: number }>;

/**
 * Postgres through TypeORM's pg driver. Appends from any number of processes are safe: each runs in a
 * transaction holding one transaction-scoped advisory lock, so global positions become visible in
 * order (readAll never skips an event committed late) and the version check cannot race; the unique
 * (lab_id, seq) constraint remains the last guard and is reported as a version conflict.
 */
export class PostgresBackend implements StoreBackend {
  private readonly pendingWrites = new Set<Promise<unknown>>();

  private constructor(private readonly dataSource: DataSource) {}

  static async open(url: string, schema?: string): Promise<PostgresBackend> {
    const schemaName = schema === undefined ? undefined : checkSchemaName(schema);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      schema: schemaName,
      connectTimeoutMS: 5_000,
      // Unqualified table names in our SQL resolve to the store's schema.
      extra: schemaName ? { options: `-c search_path=${schemaName}` } : undefined,
      migrations,
    });
    try {
      await dataSource.initialize();
      await migrate(dataSource, schemaName);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      throw translate(error);
    }
    return new PostgresBackend(dataSource);
  }

  append(labId: string, events: EventToWrite[], expectedVersion: number | 'any', recordedAt: string) {
    return this.write(
      () => this.transaction((sql) => appendNow(sql, labId, events, expectedVersion, recordedAt)),
      (error) => this.conflictFrom(error, labId, expectedVersion),
    );
  }

  async readStream(labId: string, from: number, to: number, limit: number): Promise<EventRow[]> {
    const records = await this.query(
      `SELECT ${eventColumns} FROM events WHERE lab_id = $1 AND seq BETWEEN $2::bigint AND $3::bigint ORDER BY seq LIMIT $4`,
      [labId, from, to, limit],
    );
    return (records as EventRecord[]).map(toEventRow);
  }

  /** The next page's query runs on the server while the caller applies the current one. */
  readReplayPages(labId: string, from: number, to: number, pageSize: number): AsyncGenerator<ReplayRow[], void, undefined> {
    return pagesOf((start) => this.readReplayPage(labId, start, to, pageSize), from, to, pageSize);
  }

  private async readReplayPage(labId: string, from: number, to: number, limit: number): Promise<ReplayRow[]> {
    const records = (await this.query(
      'SELECT seq, type, version, data, time FROM events WHERE lab_id = $1 AND seq BETWEEN $2::bigint AND $3::bigint ORDER BY seq LIMIT $4',
      [labId, from, to, limit],
    )) as (Omit<ReplayRow, 'time'> & { time: string })[];
    // BIGINT arrives as a string.
    for (const record of records) (record as unknown as ReplayRow).time = Number(record.time);
    return records as unknown as ReplayRow[];
  }

  async readAll(after: number, limit: number): Promise<EventRow[]> {
    const records = await this.query(`SELECT ${eventColumns} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`, [after, limit]);
    return (records as EventRecord[]).map(toEventRow);
  }

  async streamVersion(labId: string): Promise<number> {
    const [row] = (await this.query('SELECT COALESCE(MAX(seq), 0) AS version FROM events WHERE lab_id = $1', [labId])) as { version: number }[];
    return row.version;
  }

  saveSnapshot(snapshot: SnapshotRecord, keep: number): Promise<void> {
    return this.write(() =>
      this.transaction(async (sql) => {
        await sql(
          `INSERT INTO snapshots (lab_id, seq, schema_version, state) VALUES ($1, $2, $3, $4)
           ON CONFLICT (lab_id, seq, schema_version) DO UPDATE SET state = excluded.state`,
          [snapshot.labId, snapshot.seq, snapshot.schemaVersion, JSON.stringify(snapshot.state)],
        );
        await sql(
          `DELETE FROM snapshots WHERE lab_id = $1 AND seq NOT IN
           (SELECT DISTINCT seq FROM snapshots WHERE lab_id = $1 ORDER BY seq DESC LIMIT $2)`,
          [snapshot.labId, keep],
        );
      }),
    );
  }

  async loadLatestSnapshot(labId: string, atOrBefore: number, schemaVersion: number): Promise<SnapshotRecord | null> {
    const [row] = (await this.query(
      'SELECT seq, state FROM snapshots WHERE lab_id = $1 AND seq <= $2::bigint AND schema_version = $3 ORDER BY seq DESC LIMIT 1',
      [labId, atOrBefore, schemaVersion],
    )) as { seq: number; state: unknown }[];
    return row ? { labId, seq: row.seq, schemaVersion, state: row.state } : null;
  }

  createLab(lab: NewLab, tokenHashes: Record<TokenRole, string>, events: EventToWrite[], recordedAt: string): Promise<EventRow[]> {
    return this.write(
      () =>
        this.transaction(async (sql) => {
          const inserted = await sql(
            `INSERT INTO labs (id, name, created_at, parent_lab_id, fork_seq) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
            [lab.id, lab.name, lab.createdAt, lab.parentLabId, lab.forkSeq],
          );
          if (inserted.affected === 0) throw new LabAlreadyExistsError(lab.id);
          await sql(
            'INSERT INTO lab_tokens (lab_id, role, token_hash) SELECT $1, role, token_hash FROM unnest($2::text[], $3::text[]) AS t(role, token_hash)',
            [lab.id, tokenRoles, tokenRoles.map((role) => tokenHashes[role])],
          );
          return (await appendNow(sql, lab.id, events, 0, recordedAt)).rows;
        }),
      (error) => this.conflictFrom(error, lab.id, 0),
    );
  }

  async getLab(id: string): Promise<LabRecord | null> {
    const [row] = (await this.query(`SELECT ${labColumns} FROM labs l WHERE l.id = $1`, [id])) as LabRow[];
    return row ? toLabRecord(row) : null;
  }

  async labsForToken(tokenHash: string): Promise<{ lab: LabRecord; role: TokenRole }[]> {
    const rows = (await this.query(
      `SELECT ${labColumns}, t.role FROM lab_tokens t JOIN labs l ON l.id = t.lab_id WHERE t.token_hash = $1 ORDER BY l.created_at, l.id`,
      [tokenHash],
    )) as (LabRow & { role: TokenRole })[];
    return rows.map((row) => ({ lab: toLabRecord(row), role: row.role }));
  }

  async roleOf(labId: string, tokenHash: string): Promise<TokenRole | null> {
    const [row] = (await this.query('SELECT role FROM lab_tokens WHERE lab_id = $1 AND token_hash = $2', [labId, tokenHash])) as { role: TokenRole }[];
    return row?.role ?? null;
  }

  deleteLab(id: string): Promise<boolean> {
    return this.write(() =>
      this.transaction(async (sql) => {
        await sql('DELETE FROM events WHERE lab_id = $1', [id]);
        await sql('DELETE FROM lab_tokens WHERE lab_id = $1', [id]);
        await sql('DELETE FROM snapshots WHERE lab_id = $1', [id]);
        return ((await sql('DELETE FROM labs WHERE id = $1', [id])).affected ?? 0) > 0;
      }),
    );
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async execute(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    let placeholder = 0;
    const numbered = sql.replace(/\?/g, () => `$${++placeholder}`);
    if (/^\s*SELECT\b/i.test(sql)) return (await this.query(numbered, parameters)) as Record<string, unknown>[];
    await this.write(() => this.dataSource.query(numbered, parameters));
    return [];
  }

  async close(): Promise<void> {
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites]);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Runs a write, remembering it until it settles so close() can wait for it. */
  private write<T>(work: () => Promise<T>, interpret?: (error: unknown) => Promise<Error | undefined>): Promise<T> {
    const settled = work().catch(async (error: unknown) => {
      throw (await interpret?.(error)) ?? translate(error);
    });
    this.pendingWrites.add(settled);
    void settled.then(
      () => this.pendingWrites.delete(settled),
      () => this.pendingWrites.delete(settled),
    );
    return settled;
  }

  private async conflictFrom(error: unknown, labId: string, expectedVersion: number | 'any'): Promise<Error | undefined> {
    const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
    if (driverError?.code !== '23505' || driverError.constraint !== 'events_lab_seq') return undefined;
    const actual = await this.streamVersion(labId);
    return new VersionConflictError(labId, expectedVersion === 'any' ? actual : expectedVersion, actual);
  }

  private async query(query: string, parameters?: unknown[]): Promise<unknown[]> {
    try {
      return (await this.dataSource.query(query, parameters)) as unknown[];
    } catch (error) {
      throw translate(error);
    }
  }

  private async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    let runner: QueryRunner | undefined;
    try {
      runner = this.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      const result = await work((query, parameters) => runner!.query(query, parameters, true));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner?.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner?.release();
    }
  }
}

async function appendNow(sql: Sql, labId: string, events: EventToWrite[], expectedVersion: number | 'any', recordedAt: string): Promise<{ head: StreamHead; rows: EventRow[] }> {
  await sql('SELECT pg_advisory_xact_lock($1)', [appendLock]);
  const current = await head(sql, labId);
  if (expectedVersion !== 'any' && expectedVersion !== current.version) throw new VersionConflictError(labId, expectedVersion, current.version);
  if (events.length === 0) return { head: current, rows: [] };
  const seqs = events.map((_, index) => current.version + index + 1);
  const { records } = await sql(
    `INSERT INTO events (lab_id, seq, type, version, data, actor, time, recorded_at)
     SELECT $1, seq, type, version, data, actor, time, $8 FROM unnest($2::int[], $3::text[], $4::int[], $5::json[], $6::text[], $7::bigint[])
       AS e(seq, type, version, data, actor, time)
     RETURNING seq, global_position`,
    [labId, seqs, events.map((e) => e.type), events.map((e) => e.version), events.map((e) => JSON.stringify(e.data)), events.map((e) => e.actor), events.map((e) => e.time), recordedAt],
  );
  const positions = new Map((records as { seq: number; global_position: string }[]).map((r) => [r.seq, Number(r.global_position)]));
  const rows = events.map((event, index): EventRow => ({ labId, seq: seqs[index], globalPosition: positions.get(seqs[index])!, ...event, recordedAt }));
  const last = rows[rows.length - 1];
  return { head: { version: last.seq, globalPosition: last.globalPosition }, rows };
}

async function head(sql: Sql, labId: string): Promise<StreamHead> {
  const { records } = await sql('SELECT seq, global_position FROM events WHERE lab_id = $1 ORDER BY seq DESC LIMIT 1', [labId]);
  const [row] = records as { seq: number; global_position: string }[];
  return row ? { version: row.seq, globalPosition: Number(row.global_position) } : { version: 0, globalPosition: 0 };
}

/** Migrations run under a session advisory lock so several processes starting at once do not collide. */
async function migrate(dataSource: DataSource, schema: string | undefined): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
    await runner.release();
  }
}

function toEventRow(row: EventRecord): EventRow {
  return {
    globalPosition: Number(row.global_position),
    labId: row.lab_id,
    seq: row.seq,
    type: row.type,
    version: row.version,
    data: row.data,
    actor: row.actor,
    time: Number(row.time),
    recordedAt: row.recorded_at.toISOString(),
  };
}

function toLabRecord(row: LabRow): LabRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    parentLabId: row.parent_lab_id,
    forkSeq: row.fork_seq,
    version: Number(row.version),
  };
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', '57P01', '57P02', '57P03']);

/** Connection failures become StoreUnavailableError; everything else passes through unchanged. */
function translate(error: unknown): unknown {
  const cause = (error as { driverError?: unknown }).driverError ?? error;
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  const unavailable =
    (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08'))) ||
    (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|Connection is not established/i.test(message));
  return unavailable ? new StoreUnavailableError(`postgres: ${String(message)}`, { cause: error }) : error;
}
