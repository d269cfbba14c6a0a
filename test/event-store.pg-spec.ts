import { randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { Client } from 'pg';
import { EventStore, StoreUnavailableError } from '@hoplab/event-store';
import { eventStoreContract } from './event-store.contract';
import { currentRegistry } from './fixtures/event-store-registry';

const url = process.env.HOPLAB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `hoplab_test_${process.pid}_${randomBytes(3).toString('hex')}`;
let schemas = 0;

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

describe('EventStore on Postgres', () => {
  // Each test gets its own schema of this run, created by EventStore.open and dropped afterwards.
  eventStoreContract(async () => {
    const schema = `${run}_${++schemas}`;
    return {
      open: (registry) => EventStore.open(url, registry, { schema }),
      dispose: () => dropSchema(schema),
    };
  });

  it('keeps stores in different schemas apart', async () => {
    const [a, b] = [`${run}_apart_a`, `${run}_apart_b`];
    const storeA = await EventStore.open(url, currentRegistry(), { schema: a });
    const storeB = await EventStore.open(url, currentRegistry(), { schema: b });
    try {
      await storeA.appendToStream('lab-a', [{ type: 'Counted', data: { n: 1 }, actor: 'test', time: 0 }], { expectedVersion: 0 });
      expect(await storeA.streamVersion('lab-a')).toBe(1);
      expect(await storeB.streamVersion('lab-a')).toBe(0);
    } finally {
      await storeA.close();
      await storeB.close();
      await dropSchema(a);
      await dropSchema(b);
    }
  });

  it('keeps seq gap-free when two processes (two stores) append to one lab at once', async () => {
    const schema = `${run}_two`;
    const stores = [await EventStore.open(url, currentRegistry(), { schema }), await EventStore.open(url, currentRegistry(), { schema })];
    try {
      const appendOne = async (store: EventStore, n: number) => {
        for (;;) {
          try {
            return await store.appendToStream('lab-x', [{ type: 'Counted', data: { n }, actor: 'test', time: n }], { expectedVersion: await store.streamVersion('lab-x') });
          } catch (error) {
            if ((error as Error).name !== 'VersionConflictError') throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 40 }, (_, n) => appendOne(stores[n % 2], n)));
      const events = await stores[0].readStream('lab-x');
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(events.map((e) => (e.data as { n: number }).n).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      for (const store of stores) await store.close();
      await dropSchema(schema);
    }
  });

  it('reports an unreachable server as unavailable', async () => {
    await expect(EventStore.open('postgres://postgres@127.0.0.1:1/test', currentRegistry(), { schema: `${run}_never` })).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('reports a server lost after opening as unavailable', async () => {
    // A TCP relay to the real server that the test can cut.
    const target = new URL(url);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayed = new URL(url);
    relayed.host = `127.0.0.1:${(relay.address() as { port: number }).port}`;
    const schema = `${run}_lost`;
    const store = await EventStore.open(relayed.toString(), currentRegistry(), { schema });
    try {
      await expect(store.ping()).resolves.toBeUndefined();
      relay.close();
      for (const socket of sockets) socket.destroy();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.appendToStream('lab-a', [{ type: 'Counted', data: { n: 1 }, actor: 'test', time: 0 }], { expectedVersion: 0 })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(EventStore.open(url, currentRegistry(), { schema: 'x"; DROP SCHEMA public; --' })).rejects.toThrow('invalid postgres schema name');
  });
});
