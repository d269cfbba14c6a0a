/** Settings read from the environment once at start-up. */
export interface ServerConfig {
  port: number;
  databaseUrl: string;
  /** Largest accepted request body, in bytes or a size string such as "1mb". */
  bodyLimit: string;
  logLevel: string;
  /** A lab snapshot is saved every this many events. */
  snapshotEvery: number;
  /** Wall ms after which an unused lab leaves memory. */
  idleEvictionMs: number;
  /** Snapshots kept per lab: more make time travel to older seqs cheaper. */
  snapshotsKeptPerLab?: number;
  /** Wall ms between two runs of live labs' controllers. */
  controllerTickMs: number;
  /** With a Redis URL, socket.io broadcasts travel between server instances through Redis streams. */
  redisUrl?: string;
  /** Postgres schema of the event store (a test run uses a fresh one); the connection's default when unset. */
  databaseSchema?: string;
  /** Messages a socket may send per second on average (bursts up to twice as many); more get a 429 ack. */
  socketMessagesPerSecond?: number;
}

export const SERVER_CONFIG = Symbol('SERVER_CONFIG');

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: env.PORT ? Number(env.PORT) : 3000,
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/hoplab.db',
    bodyLimit: env.BODY_LIMIT || '1mb',
    logLevel: env.LOG_LEVEL || 'info',
    snapshotEvery: env.SNAPSHOT_EVERY ? Number(env.SNAPSHOT_EVERY) : 1000,
    idleEvictionMs: env.LAB_IDLE_EVICTION_MS ? Number(env.LAB_IDLE_EVICTION_MS) : 10 * 60_000,
    snapshotsKeptPerLab: env.SNAPSHOTS_KEPT_PER_LAB ? Number(env.SNAPSHOTS_KEPT_PER_LAB) : 100,
    controllerTickMs: env.CONTROLLER_TICK_MS ? Number(env.CONTROLLER_TICK_MS) : 500,
    redisUrl: env.REDIS_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    socketMessagesPerSecond: env.SOCKET_MESSAGES_PER_SECOND ? Number(env.SOCKET_MESSAGES_PER_SECOND) : undefined,
  };
}
