import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import type { ServerConfig } from '../config/server-config';
import { corkFlushes, type EngineSocket } from './cork-flushes';
import { sizeInBytes } from './size-limit';

type RedisClient = ReturnType<typeof createClient>;
/** Nest pins its own socket.io release: take the server types from its adapter. */
type Server = ReturnType<IoAdapter['createIOServer']>;
type ServerOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * socket.io as HopLab runs it: messages no larger than the HTTP body limit and, when a Redis URL
 * is configured, the Redis streams adapter so that broadcasts reach the clients of every instance.
 */
export class HopLabIoAdapter extends IoAdapter {
  private server?: Server;

  private constructor(
    app: INestApplicationContext,
    private readonly config: ServerConfig,
    private readonly redis?: RedisClient,
  ) {
    super(app);
  }

  static async create(app: INestApplicationContext, config: ServerConfig): Promise<HopLabIoAdapter> {
    if (!config.redisUrl) return new HopLabIoAdapter(app, config);
    const redis = createClient({ url: config.redisUrl });
    await redis.connect();
    return new HopLabIoAdapter(app, config, redis);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, maxHttpBufferSize: sizeInBytes(this.config.bodyLimit) } as ServerOptions);
    // The blocking read is short so that a closing instance stops reading the stream promptly.
    if (this.redis) server.adapter(createAdapter(this.redis, { blockTimeInMs: 1000 }));
    server.engine.on('connection', (socket: EngineSocket) => {
      corkFlushes(socket.transport);
      socket.on('upgrade', corkFlushes);
    });
    this.server = server;
    return server;
  }

  /** Closes every namespace's adapter (which stops the stream readers), then the Redis connection. */
  override async dispose(): Promise<void> {
    const namespaces = this.server ? [...this.server._nsps.values()] : [];
    await Promise.all(namespaces.map((namespace) => namespace.adapter.close()));
    if (this.redis?.isOpen) await this.redis.quit();
  }
}
