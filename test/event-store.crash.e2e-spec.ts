import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '@hoplab/event-store';
import { batchSize } from './fixtures/event-store-crash-child';
import { countedEvent, currentRegistry } from './fixtures/event-store-registry';

/** Starts the appending child and SIGKILLs it once it has acknowledged `batches` batches. */
function appendUntilKilled(url: string, batches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'event-store-crash-child.ts'), url], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acknowledged = 0;
    let output = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop()!;
      if (lines.length > 0) acknowledged = Number(lines[lines.length - 1]);
      if (acknowledged >= batches && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`child exited with ${code} before it was killed: ${stderr}`));
    });
  });
}

describe('EventStore after the writing process is killed', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hoplab-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens readable and consistent: seq gap-free, every batch whole or absent, every acknowledged batch kept', async () => {
    const url = `sqlite:${join(dir, 'store.db')}`;
    const acknowledged = await appendUntilKilled(url, 40);

    const store = await EventStore.open(url, currentRegistry());
    try {
      const events = await store.readStream('lab-crash');
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));

      const batches = new Map<number, string[]>();
      for (const event of events) {
        const { n, note } = event.data as { n: number; note: string };
        batches.set(n, [...(batches.get(n) ?? []), note]);
      }
      const present = [...batches.keys()];
      expect(present).toEqual(Array.from({ length: present.length }, (_, i) => i + 1));
      for (const [batch, notes] of batches) {
        const size = batchSize(batch);
        expect(notes).toEqual(Array.from({ length: size }, (_, i) => `${i + 1}/${size}`));
      }
      // The child keeps appending while its reports are in flight, so more batches than acknowledged may be there.
      expect(present.length).toBeGreaterThanOrEqual(acknowledged);

      const next = await store.appendToStream('lab-crash', [countedEvent(0)], { expectedVersion: events.length });
      expect(next.nextExpectedVersion).toBe(events.length + 1);
    } finally {
      await store.close();
    }
  }, 60_000);
});
