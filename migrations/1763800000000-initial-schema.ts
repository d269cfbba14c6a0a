import type { MigrationInterface, QueryRunner } from 'typeorm';

const sqlite = [
  `CREATE TABLE labs (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    parent_lab_id TEXT,
    fork_seq INTEGER
  )`,
  `CREATE TABLE lab_tokens (
    lab_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('instructor', 'student', 'observer')),
    token_hash TEXT NOT NULL,
    PRIMARY KEY (lab_id, role)
  )`,
  `CREATE INDEX lab_tokens_by_hash ON lab_tokens (token_hash)`,
  // AUTOINCREMENT: a deleted lab's positions are never handed out again, so catch-up cursors stay valid.
  `CREATE TABLE events (
    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
    lab_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    actor TEXT NOT NULL,
    time INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
  )`,
  `CREATE UNIQUE INDEX events_lab_seq ON events (lab_id, seq)`,
  `CREATE TABLE snapshots (
    lab_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (lab_id, seq, schema_version)
  )`,
];

// JSON rather than JSONB: the text is kept as written, so key order (which the simulator may iterate in)
// reads back the same as on SQLite.
const postgres = [
  `CREATE TABLE labs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    parent_lab_id TEXT,
    fork_seq INTEGER
  )`,
  `CREATE TABLE lab_tokens (
    lab_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('instructor', 'student', 'observer')),
    token_hash TEXT NOT NULL,
    PRIMARY KEY (lab_id, role)
  )`,
  `CREATE INDEX lab_tokens_by_hash ON lab_tokens (token_hash)`,
  `CREATE TABLE events (
    global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lab_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    data JSON NOT NULL,
    actor TEXT NOT NULL,
    time BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT events_lab_seq UNIQUE (lab_id, seq)
  )`,
  `CREATE TABLE snapshots (
    lab_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    state JSON NOT NULL,
    PRIMARY KEY (lab_id, seq, schema_version)
  )`,
];

/** labs, lab_tokens, events and snapshots, for SQLite and Postgres. */
export class InitialSchema1763800000000 implements MigrationInterface {
  readonly name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? postgres : sqlite;
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['snapshots', 'events', 'lab_tokens', 'labs']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
