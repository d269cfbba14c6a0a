import type { LabRecord, SnapshotRecord, TokenRole } from './records';

/** A validated event ready to be written: `data` is the parsed value, `version` its schema version. */
export interface EventToWrite {
  type: string;
  version: number;
  data: unknown;
  actor: string;
  time: number;
}

/** An event as read back, before upcasting. */
export interface EventRow extends EventToWrite {
  labId: string;
  seq: number;
  globalPosition: number;
  recordedAt: string;
}

/** An event as a replay reads it, before upcasting: what evolve needs and the schema version of `data`. */
export interface ReplayRow {
  seq: number;
  type: string;
  version: number;
  data: unknown;
  time: number;
}

export interface StreamHead {
  version: number;
  /** Global position of the stream's last event, 0 for an empty stream. */
  globalPosition: number;
}

export interface NewLab {
  id: string;
  name: string;
  createdAt: string;
  parentLabId: string | null;
  forkSeq: number | null;
}

/** What one database dialect has to provide; validation and upcasting live in EventStore. */
export interface StoreBackend {
  /** Appends atomically after checking the stream version; throws VersionConflictError. */
  append(labId: string, events: EventToWrite[], expectedVersion: number | 'any', recordedAt: string): Promise<{ head: StreamHead; rows: EventRow[] }>;
  readStream(labId: string, from: number, to: number, limit: number): Promise<EventRow[]>;
  /** readStream's rows of `from`..`to` with only the columns a replay needs, in pages of `pageSize`, the next one possibly read while the caller applies one. */
  readReplayPages(labId: string, from: number, to: number, pageSize: number): AsyncGenerator<ReplayRow[], void, undefined>;
  readAll(after: number, limit: number): Promise<EventRow[]>;
  streamVersion(labId: string): Promise<number>;
  /** Upserts the snapshot, then keeps only the lab's `keep` latest seqs. */
  saveSnapshot(snapshot: SnapshotRecord, keep: number): Promise<void>;
  loadLatestSnapshot(labId: string, atOrBefore: number, schemaVersion: number): Promise<SnapshotRecord | null>;
  /** Lab row, tokens and initial events in one transaction; throws LabAlreadyExistsError. */
  createLab(lab: NewLab, tokenHashes: Record<TokenRole, string>, events: EventToWrite[], recordedAt: string): Promise<EventRow[]>;
  getLab(id: string): Promise<LabRecord | null>;
  labsForToken(tokenHash: string): Promise<{ lab: LabRecord; role: TokenRole }[]>;
  roleOf(labId: string, tokenHash: string): Promise<TokenRole | null>;
  deleteLab(id: string): Promise<boolean>;
  ping(): Promise<void>;
  /** One statement with `?` placeholders, for the server's own small tables beside the streams; a SELECT's rows, else none. */
  execute(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]>;
  /** Waits for writes already submitted, then closes the connection. */
  close(): Promise<void>;
}

/** Stands for "no bound" in `to` and `limit`, so every dialect receives plain integers. */
export const noUpperBound = Number.MAX_SAFE_INTEGER;

/** Pages read one after the other by `read(from)`, the next one asked before the current one is handed over. */
export async function* pagesOf(read: (from: number) => Promise<ReplayRow[]> | ReplayRow[], from: number, to: number, pageSize: number): AsyncGenerator<ReplayRow[], void, undefined> {
  let next: Promise<ReplayRow[]> | undefined = Promise.resolve(read(from));
  try {
    while (next) {
      const rows: ReplayRow[] = await next;
      next = undefined;
      if (rows.length === 0) return;
      const last: number = rows[rows.length - 1].seq;
      if (rows.length === pageSize && last < to) next = Promise.resolve(read(last + 1));
      yield rows;
    }
  } finally {
    // The caller stopped early: the page asked meanwhile is dropped, its failure too.
    next?.catch(() => undefined);
  }
}
