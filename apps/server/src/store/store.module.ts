import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { labEvents } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { SERVER_CONFIG, ServerConfig } from '../config/server-config';

@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** Runs after the HTTP server stopped accepting requests: queued writes finish, then the database closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

async function openStore(config: ServerConfig): Promise<EventStore> {
  const sqliteFile = /^sqlite:(?!:memory:)(.+)$/.exec(config.databaseUrl)?.[1];
  if (sqliteFile) mkdirSync(dirname(sqliteFile), { recursive: true });
  return EventStore.open(config.databaseUrl, labEvents, { schema: config.databaseSchema, snapshotsKeptPerLab: config.snapshotsKeptPerLab });
}

@Global()
@Module({
  providers: [{ provide: EventStore, useFactory: openStore, inject: [SERVER_CONFIG] }, StoreCloser],
  exports: [EventStore],
})
export class StoreModule {}
