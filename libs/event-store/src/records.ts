export type TokenRole = 'instructor' | 'student' | 'observer';
export const tokenRoles: readonly TokenRole[] = ['instructor', 'student', 'observer'];

export interface LabRecord {
  id: string;
  name: string;
  /** ISO wall-clock time of creation. */
  createdAt: string;
  parentLabId: string | null;
  forkSeq: number | null;
  /** Last seq of the lab's stream, 0 when it has no event. */
  version: number;
}

export interface SnapshotRecord {
  labId: string;
  /** Seq of the last event folded into `state`. */
  seq: number;
  /** The simulator's state schema version; snapshots of another version are ignored. */
  schemaVersion: number;
  state: unknown;
}
