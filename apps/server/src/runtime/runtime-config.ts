export interface RuntimeConfig {
  /** A snapshot is saved once this many events were applied since the last one. */
  snapshotEvery: number;
  /** A lab nobody used for this long (wall ms) leaves memory; it is rebuilt from the store on demand. */
  idleEvictionMs: number;
  /** How often (wall ms) live labs' controllers are run up to the present and their occurrences emitted. */
  controllerTickMs: number;
}

export const RUNTIME_CONFIG = Symbol('RUNTIME_CONFIG');
