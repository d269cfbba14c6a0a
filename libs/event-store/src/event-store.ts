import { EventValidationError, type EventRegistry, type NewEvent, type StoredEvent } from '@hoplab/events';
import { noUpperBound, type EventRow, type EventToWrite, type ReplayRow, type StoreBackend } from './backend';

/** An event as a replay reads it (EventStore.replay): what evolve needs. */
export type ReplayEvent = ReplayRow;
import { StoreUnavailableError } from './errors';
import { PostgresBackend } from './postgres-backend';
import type { LabRecord, SnapshotRecord, TokenRole } from './records';
import { SqliteBackend } from './sqlite-backend';
import { parseStoreUrl } from './store-url';

/**
 * Append-only event streams, one per lab, with snapshots, labs and their tokens.
 * Events are validated against the registry before they are written and upcast to the current
 * schema version when read.
 */
export class EventStore {
  /** Snapshots are a rebuildable cache; by default a few per lab are kept to replay from. */
  static readonly defaultSnapshotsKeptPerLab = 3;
  private closed = false;

  private constructor(
    private readonly backend: StoreBackend,
    private readonly registry: EventRegistry,
    /** More snapshots make reads "as of" older seqs (time travel) cheaper, at the cost of space. */
    private readonly snapshotsKeptPerLab: number,
  ) {}

  /** url: "sqlite:<path>" | "sqlite::memory:" | "postgres://..."; runs the migrations. */
  static async open(url: string, registry: EventRegistry, options: { schema?: string; snapshotsKeptPerLab?: number } = {}): Promise<EventStore> {
    const location = parseStoreUrl(url);
    const backend = location.kind === 'sqlite' ? await SqliteBackend.open(location.path) : await PostgresBackend.open(location.url, options.schema);
    return new EventStore(backend, registry, options.snapshotsKeptPerLab ?? EventStore.defaultSnapshotsKeptPerLab);
  }

  async appendToStream(
    labId: string,
    events: NewEvent[],
    options: { expectedVersion: number | 'any' },
  ): Promise<{ nextExpectedVersion: number; lastGlobalPosition: number; events: StoredEvent[] }> {
    this.ensureOpen();
    const { expectedVersion } = options;
    if (expectedVersion !== 'any' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
      throw new RangeError(`expectedVersion must be a non-negative integer or 'any', got ${String(expectedVersion)}`);
    }
    const toWrite = this.validate(events);
    const { head, rows } = await this.backend.append(checkLabId(labId), toWrite, expectedVersion, new Date().toISOString());
    return { nextExpectedVersion: head.version, lastGlobalPosition: head.globalPosition, events: rows };
  }

  /** Events of one lab in seq order; `from` and `to` are inclusive seqs. */
  async readStream(labId: string, options: { from?: number; to?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    this.ensureOpen();
    const rows = await this.backend.readStream(labId, bound('from', options.from, 1), bound('to', options.to, noUpperBound), bound('limit', options.limit, noUpperBound));
    return this.upcastAll(rows);
  }

  /**
   * readStream's events of `from`..`to` (inclusive seqs) with only seq, type, version, data and time (upcast), fetched more
   * cheaply, in pages of `pageSize` for a replay that applies them page by page: the next page is read while the caller
   * applies one (on SQLite a long replay's pages are read on another thread).
   */
  async *replay(labId: string, options: { from?: number; to?: number; pageSize: number }): AsyncGenerator<ReplayEvent[], void, undefined> {
    this.ensureOpen();
    const from = bound('from', options.from, 1);
    const to = bound('to', options.to, noUpperBound);
    if (!Number.isSafeInteger(options.pageSize) || options.pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${String(options.pageSize)}`);
    for await (const page of this.backend.readReplayPages(labId, from, to, options.pageSize)) {
      for (let i = 0; i < page.length; i++) page[i] = this.upcast(page[i]);
      yield page;
    }
  }

  /** Events of every lab in global order, strictly after the global position `after`. */
  async readAll(options: { after?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    this.ensureOpen();
    const rows = await this.backend.readAll(bound('after', options.after, 0), bound('limit', options.limit, noUpperBound));
    return this.upcastAll(rows);
  }

  /** The lab's last seq, 0 when it has no event. */
  async streamVersion(labId: string): Promise<number> {
    this.ensureOpen();
    return this.backend.streamVersion(labId);
  }

  /** `snapshot.state` is serialised before the returned promise settles: the caller may change it afterwards, not before. */
  async saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    this.ensureOpen();
    bound('seq', snapshot.seq, 0);
    bound('schemaVersion', snapshot.schemaVersion, 0);
    await this.backend.saveSnapshot(snapshot, this.snapshotsKeptPerLab);
  }

  /** The latest snapshot at or before seq `atOrBefore` written with exactly `schemaVersion`. */
  async loadLatestSnapshot(labId: string, atOrBefore: number, schemaVersion: number): Promise<SnapshotRecord | null> {
    this.ensureOpen();
    return this.backend.loadLatestSnapshot(labId, atOrBefore, schemaVersion);
  }

  /** Lab, its three hashed tokens and its first events, in one transaction. */
  async createLab(
    lab: { id: string; name: string; parentLabId?: string; forkSeq?: number },
    tokenHashes: Record<TokenRole, string>,
    initialEvents: NewEvent[],
  ): Promise<{ lab: LabRecord; events: StoredEvent[] }> {
    this.ensureOpen();
    const toWrite = this.validate(initialEvents);
    const now = new Date().toISOString();
    const record = { id: checkLabId(lab.id), name: lab.name, createdAt: now, parentLabId: lab.parentLabId ?? null, forkSeq: lab.forkSeq ?? null };
    const events = await this.backend.createLab(record, tokenHashes, toWrite, now);
    return { lab: { ...record, version: events.length }, events };
  }

  async getLab(id: string): Promise<LabRecord | null> {
    this.ensureOpen();
    return this.backend.getLab(id);
  }

  async labsForToken(tokenHash: string): Promise<{ lab: LabRecord; role: TokenRole }[]> {
    this.ensureOpen();
    return this.backend.labsForToken(tokenHash);
  }

  async roleOf(labId: string, tokenHash: string): Promise<TokenRole | null> {
    this.ensureOpen();
    return this.backend.roleOf(labId, tokenHash);
  }

  /** Removes the lab with its events, tokens and snapshots; false when there was no such lab. */
  async deleteLab(id: string): Promise<boolean> {
    this.ensureOpen();
    return this.backend.deleteLab(id);
  }

  /**
   * One statement (`?` placeholders) on the store's database, for the server's own small tables beside
   * the streams (created by migrations/, e.g. trace activity and classroom rosters); a SELECT's rows, else none.
   */
  async execute(sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> {
    this.ensureOpen();
    return this.backend.execute(sql, parameters);
  }

  /** For the health check: throws StoreUnavailableError when the database cannot be reached. */
  async ping(): Promise<void> {
    this.ensureOpen();
    await this.backend.ping();
  }

  /** Refuses new calls, waits for the writes already queued, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  private validate(events: NewEvent[]): EventToWrite[] {
    return events.map((event) => {
      if (typeof event.actor !== 'string' || event.actor === '') throw new EventValidationError(`${event.type} event needs an actor`);
      if (!Number.isSafeInteger(event.time) || event.time < 0) {
        throw new EventValidationError(`${event.type} event time must be a non-negative integer of simulated ms, got ${String(event.time)}`);
      }
      const data = this.registry.validate(event.type, event.data);
      return { type: event.type, version: this.registry.currentVersion(event.type), data, actor: event.actor, time: event.time };
    });
  }

  /** In place: rows are fresh from the backend, and a replay reads them by the million. */
  private upcastAll(rows: EventRow[]): StoredEvent[] {
    for (let i = 0; i < rows.length; i++) rows[i] = this.upcast(rows[i]);
    return rows;
  }

  private upcast<R extends ReplayRow>(row: R): R {
    // Most rows are already current: skip the upcast result allocation on that hot read path.
    if (this.registry.has(row.type) && row.version === this.registry.currentVersion(row.type)) return row;
    const { version, data } = this.registry.upcast(row.type, row.version, row.data);
    return { ...row, version, data };
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
  }
}

function checkLabId(labId: string): string {
  if (typeof labId !== 'string' || labId === '') throw new RangeError('lab id must be a non-empty string');
  return labId;
}

function bound(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}
