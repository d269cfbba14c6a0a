import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, StoreUnavailableError } from '@hoplab/event-store';
import { eventStoreContract } from './event-store.contract';
import { currentRegistry } from './fixtures/event-store-registry';

describe('EventStore on better-sqlite3', () => {
  eventStoreContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-store-'));
    const url = `sqlite:${join(dir, 'nested', 'store.db')}`;
    return {
      open: (registry) => EventStore.open(url, registry),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  it('uses WAL mode for a file database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-store-'));
    const store = await EventStore.open(`sqlite:${join(dir, 'store.db')}`, currentRegistry());
    await store.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'store.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens an in-memory database', async () => {
    const store = await EventStore.open('sqlite::memory:', currentRegistry());
    await store.appendToStream('lab-a', [{ type: 'Counted', data: { n: 1 }, actor: 'test', time: 0 }], { expectedVersion: 0 });
    expect(await store.streamVersion('lab-a')).toBe(1);
    await store.close();
  });

  it('reports a database it cannot open as unavailable', async () => {
    await expect(EventStore.open('sqlite:/dev/null/hoplab/store.db', currentRegistry())).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
