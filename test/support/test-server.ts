import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/server/src/app.factory';
import type { ServerConfig } from '../../apps/server/src/config/server-config';
import type { CreatedLab } from './lab-sockets';

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

/**
 * For the enclosing describe: a server on a fresh temporary database, started in beforeAll and
 * closed (its database removed) in afterAll. The returned object reads the running server, so use
 * it inside hooks and tests only. afterAll hooks declared before this call run before the close.
 */
export function useTestServer(overrides: Partial<ServerConfig> = {}): TestServer {
  const database = tempDatabase();
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startServer({ ...overrides, databaseUrl: database.url });
  });
  afterAll(async () => {
    await started?.app.close();
    database.cleanup();
  });
  const running = (): TestServer => {
    if (!started) throw new Error('the test server starts in beforeAll');
    return started;
  };
  return {
    get app() { return running().app; },
    get url() { return running().url; },
    get config() { return running().config; },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** POST /api/labs, expecting 201; the created lab with its tokens. */
export async function createLab(url: string, body: Record<string, unknown>): Promise<CreatedLab> {
  return (await request(url).post('/api/labs').send(body).expect(201)).body as CreatedLab;
}
