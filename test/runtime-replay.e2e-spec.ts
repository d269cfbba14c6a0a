import fc from 'fast-check';
import { labEvents } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { evolve, initialState, toSnapshot, type Command } from '@hoplab/simulator';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { tempDatabase } from './support/test-server';

/** Commands a user could send, some of which the lab refuses (unknown names, duplicates). */
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ type: 'addNode' }),
  fc.constantFrom('minikube', 'minikube-m02', 'minikube-m03').map((name): Command => ({ type: 'removeNode', name })),
  fc.integer({ min: 0, max: 5 }).map((i): Command => ({ type: 'createPod', namespace: 'default', name: `p${i}`, containers: [{ name: 'c', image: 'nginx' }] })),
  fc.integer({ min: 0, max: 5 }).map((i): Command => ({ type: 'deletePod', namespace: 'default', name: `p${i}` })),
  fc.constantFrom('x', 'y').map((name): Command => ({ type: 'createNamespace', name })),
  fc.integer({ min: 1, max: 60 }).map((s): Command => ({ type: 'setClock', advanceMs: s * 1000 })),
);

describe('LabRuntime against the real store', () => {
  const database = tempDatabase();
  let store: EventStore;
  let labs = 0;

  beforeAll(async () => {
    store = await EventStore.open(database.url, labEvents);
  });
  afterAll(async () => {
    await store.close();
    database.cleanup();
  });

  it('live state == full replay == snapshot + tail, at every seq of random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), async (commands, snapshotEvery) => {
        const runtime = new LabRuntime(store, { snapshotEvery, idleEvictionMs: 600_000, controllerTickMs: 60_000 });
        try {
          const id = `prop${String(labs++).padStart(12, '0')}`;
          const created = initialState();
          const [labCreated] = [{ type: 'LabCreated', data: { name: id, cluster: created.cluster }, actor: 't', time: 0 }];
          await store.createLab({ id, name: id }, { instructor: `${id}i`, student: `${id}s`, observer: `${id}o` }, [labCreated]);

          const liveAt = new Map<number, unknown>();
          liveAt.set(1, await runtime.read(id, (state) => toSnapshot(state)));
          for (const command of commands) {
            try {
              const { version } = await runtime.execute(id, [command], { actor: 't' });
              liveAt.set(version, await runtime.read(id, (state) => toSnapshot(state)));
            } catch {
              // A refused command appends nothing; the next one starts from the same state.
            }
          }

          const events = await store.readStream(id);
          expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
          const replayed = initialState();
          for (const event of events) {
            evolve(replayed, event);
            const fromSnapshotAndTail = await runtime.stateAt(id, event.seq === events.length ? undefined : event.seq, (state) => toSnapshot(state));
            expect(fromSnapshotAndTail).toEqual(toSnapshot(replayed));
            if (liveAt.has(event.seq)) expect(liveAt.get(event.seq)).toEqual(toSnapshot(replayed));
          }
          runtime.evictAll();
          expect(await runtime.read(id, (state) => toSnapshot(state))).toEqual(toSnapshot(replayed));
        } finally {
          runtime.onModuleDestroy();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('evicts a lab nobody used for a while and rebuilds it from the store on the next call', async () => {
    const runtime = new LabRuntime(store, { snapshotEvery: 2, idleEvictionMs: 20, controllerTickMs: 60_000 });
    try {
      const id = 'evictme000000001';
      await store.createLab({ id, name: id }, { instructor: 'ei', student: 'es', observer: 'eo' }, [
        { type: 'LabCreated', data: { name: id, cluster: initialState().cluster }, actor: 't', time: 0 },
      ]);
      await runtime.execute(id, [{ type: 'addNode' }, { type: 'addNode' }], { actor: 't' });
      const before = await runtime.read(id, (state) => toSnapshot(state));
      expect(runtime.isLive(id)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(runtime.isLive(id)).toBe(false);
      expect(await runtime.read(id, (state) => toSnapshot(state))).toEqual(before);
      expect(runtime.isLive(id)).toBe(true);
    } finally {
      runtime.onModuleDestroy();
    }
  });
});
