import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/server/src/app.factory';
import type { ServerConfig } from '../../apps/server/src/config/server-config';

export interface TestServer {
  app: INestApplication;
  url: string;
  config: ServerConfig;
}

/** A temporary folder for one suite's SQLite database, removed by the returned cleanup. */
export function tempDatabase(): { url: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-e2e-'));
  return { url: `sqlite:${join(dir, 'hoplab.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real application on an ephemeral port. */
export async function startServer(overrides: Partial<ServerConfig> & { databaseUrl: string }): Promise<TestServer> {
  const config: ServerConfig = { port: 0, bodyLimit: '64kb', logLevel: 'silent', snapshotEvery: 1000, idleEvictionMs: 600_000, controllerTickMs: 50, ...overrides };
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, config };
}
