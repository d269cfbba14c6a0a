import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The two databases differ only in how an ever-growing position is declared. */
const positionColumn = { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' };

// hops and result are JSON kept as TEXT on both databases: the server writes and reads them whole.
// Rows go with their lab (ON DELETE CASCADE; TypeORM turns SQLite's foreign keys on).
const statements = (position: string) => [
  `CREATE TABLE trace_activity (
    position ${position},
    lab_id TEXT NOT NULL REFERENCES labs (id) ON DELETE CASCADE,
    trace_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    hops TEXT NOT NULL,
    result TEXT NOT NULL
  )`,
  `CREATE INDEX trace_activity_by_lab_at ON trace_activity (lab_id, at)`,
  `CREATE TABLE classroom_forks (
    template_lab_id TEXT NOT NULL REFERENCES labs (id) ON DELETE CASCADE,
    student INTEGER NOT NULL,
    fork_lab_id TEXT NOT NULL REFERENCES labs (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    instructor_token TEXT NOT NULL,
    student_token TEXT NOT NULL,
    observer_token TEXT NOT NULL,
    PRIMARY KEY (template_lab_id, student)
  )`,
  `CREATE INDEX classroom_forks_by_fork ON classroom_forks (fork_lab_id)`,
];

/**
 * The traces run in each lab (the activity log a replay shows) and each template's classroom roster
 * (the student forks with their tokens, which only the template's instructor reads), so that both
 * survive a restart and are the same on every instance.
 */
export class ClassroomRostersAndTraceActivity1795371233939 implements MigrationInterface {
  readonly name = 'ClassroomRostersAndTraceActivity1795371233939';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = queryRunner.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    for (const statement of statements(positionColumn[dialect])) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['classroom_forks', 'trace_activity']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
