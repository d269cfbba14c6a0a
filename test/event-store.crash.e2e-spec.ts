import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '@hoplab/event-store';
import { batchSize } from './fixtures/event-store-crash-child';
import { currentRegistry } from './fixtures/event-store-registry';

/**
 * Starts the appending child; once it has acknowledged `batches` more batches, waits `delayMs`
 * (so the kill lands at different points of the next append) and SIGKILLs it.
 * Resolves with the last batch number the child acknowledged.
 */
function appendUntilKilled(url: string, batches: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'event-store-crash-child.ts'), url], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let first: number | undefined;
    let acknowledged = 0;
    let pending = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      if (lines.length === 0) return;
      first ??= Number(lines[0]);
      acknowledged = Number(lines[lines.length - 1]);
      if (!killing && acknowledged - first + 1 >= batches) {
        killing = true;
        void sleep(delayMs).then(() => child.kill('SIGKILL'));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`child exited with ${code} before it was killed: ${stderr}`));
    });
  });
}

/** Checks the stream is gap-free and made of whole batches 1..n; returns n. */
async function checkConsistent(url: string): Promise<number> {
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
    return present.length;
  } finally {
    await store.close();
  }
}

describe('EventStore after the writing process is killed', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hoplab-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reopens readable and consistent: seq gap-free, every batch whole or absent, every acknowledged batch kept', async () => {
    const url = `sqlite:${join(dir, 'store.db')}`;
    // Several kills at different moments; each time the child resumes where the store says it stopped.
    for (const delayMs of [0, 1, 2, 4]) {
      const acknowledged = await appendUntilKilled(url, 20, delayMs);
      const stored = await checkConsistent(url);
      // The child keeps appending while its reports are in flight, so more batches than acknowledged may be there.
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
    }
  }, 60_000);
});
