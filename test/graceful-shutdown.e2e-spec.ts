import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';
import { tempDatabase } from './support/test-server';

const root = join(__dirname, '..');

/** Runs the real entry point (apps/server/src/main.ts) as a child process and waits for its listening log line. */
async function spawnServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const port = /HopLab listening on http:\/\/\S+:(\d+)/.exec(line)?.[1];
    if (port) return { child, url: `http://127.0.0.1:${port}` };
  }
  throw new Error('the server exited before listening');
}

describe('graceful shutdown', () => {
  it('finishes in-flight writes on SIGTERM and leaves every acknowledged lab readable', async () => {
    const database = tempDatabase();
    try {
      const first = await spawnServer(database.url);
      const writes = Array.from({ length: 30 }, (_, i) =>
        request(first.url).post('/api/labs').send({ name: `lab-${i}` }).then(
          (response) => response,
          () => undefined,
        ),
      );
      // Let some requests reach the server, then ask it to stop while they are in flight.
      await new Promise((resolve) => setTimeout(resolve, 30));
      first.child.kill('SIGTERM');
      const [code] = await once(first.child, 'exit');
      const responses = await Promise.all(writes);
      expect(code).toBe(0);

      const acknowledged = responses.filter((r) => r?.status === 201).map((r) => r!.body as { id: string; version: number; tokens: { observer: string } });
      expect(acknowledged.length).toBeGreaterThan(0);

      const second = await spawnServer(database.url);
      try {
        for (const lab of acknowledged) {
          const events = await request(second.url).get(`/api/labs/${lab.id}/events`).set('Authorization', `Bearer ${lab.tokens.observer}`).expect(200);
          expect(events.body.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: lab.version }, (_, i) => i + 1));
          expect(events.body[0].type).toBe('LabCreated');
        }
      } finally {
        second.child.kill('SIGTERM');
        await once(second.child, 'exit');
      }
    } finally {
      database.cleanup();
    }
  });
});
