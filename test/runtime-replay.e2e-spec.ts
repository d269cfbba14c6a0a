import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { EventRegistry, labEvents, type CniCall } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { evolve, initialState, oldestRestoredCniCall, toSnapshot, type Command, type LabState } from '@hoplab/simulator';
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

/** Every node's logged CNI calls, with the calls themselves. */
const loggedCalls = (state: LabState) =>
  [...state.nodes.values()].flatMap((node) => node.cniLog.map((entry) => ({ node: node.name, seq: entry.seq, time: entry.time, call: entry.call })));

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

  /** A new lab in the store as POST /api/labs writes it: LabCreated with the default cluster; its tokens `${tokens}i`, `${tokens}s`, `${tokens}o`. */
  const storeNewLab = (id: string, tokens: string) =>
    store.createLab({ id, name: id }, { instructor: `${tokens}i`, student: `${tokens}s`, observer: `${tokens}o` }, [
      { type: 'LabCreated', data: { name: id, cluster: initialState().cluster }, actor: 't', time: 0 },
    ]);

  it('live state == full replay == snapshot + tail, at every seq of random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), async (commands, snapshotEvery) => {
        const runtime = new LabRuntime(store, { snapshotEvery, idleEvictionMs: 600_000, controllerTickMs: 60_000 });
        try {
          const id = `prop${String(labs++).padStart(12, '0')}`;
          await storeNewLab(id, id);

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
      await storeNewLab(id, 'e');
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

  it('rebuilds the CNI logs a snapshot left out: equal to the live ones, now and as of past seqs', async () => {
    const runtime = new LabRuntime(store, { snapshotEvery: 7, idleEvictionMs: 600_000, controllerTickMs: 60_000 });
    try {
      const id = 'cnilog0000000001';
      await storeNewLab(id, 'c');
      await runtime.execute(id, [{ type: 'addNode' }, { type: 'addNode' }], { actor: 't' });
      const liveAt = new Map<number, ReturnType<typeof loggedCalls>>();
      for (let i = 0; i < 60; i++) {
        const nodeName = i % 2 === 0 ? 'minikube' : 'minikube-m02';
        const commands: Command[] = [{ type: 'createPod', namespace: 'default', name: `p${i}`, nodeName, containers: [{ name: 'c', image: 'nginx' }] }];
        if (i % 3 === 2) commands.push({ type: 'deletePod', namespace: 'default', name: `p${i - 2}` });
        const { version } = await runtime.execute(id, commands, { actor: 't' });
        if (i % 10 === 9) liveAt.set(version, await runtime.read(id, (state) => structuredClone(loggedCalls(state))));
      }
      const [last] = [...liveAt.keys()].slice(-1);
      // Both nodes' logs are full: their oldest calls were dropped.
      expect(liveAt.get(last)!.length).toBe(64);
      runtime.evictAll();
      // Loaded from its latest snapshot, the lab knows when calls were logged but not the calls...
      expect(await runtime.read(id, (state) => oldestRestoredCniCall(state))).toBeDefined();
      // ...which come back on demand, as they were.
      expect(await runtime.stateWithCniLog(id, undefined, (state) => oldestRestoredCniCall(state))).toBeUndefined();
      for (const [version, calls] of liveAt) expect(await runtime.stateWithCniLog(id, version, loggedCalls)).toEqual(calls);
      await expect(runtime.stateWithCniLog(id, last + 1, loggedCalls)).rejects.toMatchObject({ status: 422 });
    } finally {
      runtime.onModuleDestroy();
    }
  });

  it('reads a history written before PodNetworkAttached and PodDeleted v2: upcast, its CNI calls derived as v1 stored them', async () => {
    // As written then: the fixture's events, each type at schema version 1, PodNetworkAttached and PodDeleted with their CNI call.
    const history = JSON.parse(readFileSync(join(__dirname, '../libs/simulator/src/model/fixtures/flannel-history-v1.json'), 'utf8')) as { type: string; data: { cni?: CniCall }; time: number }[];
    const legacy = new EventRegistry();
    for (const type of new Set(history.map((event) => event.type))) legacy.define({ type, version: 1, schema: z.record(z.string(), z.unknown()) });
    const old = await EventStore.open(database.url, legacy);
    const id = 'v1history0000001';
    try {
      await old.createLab({ id, name: id }, { instructor: 'vi', student: 'vs', observer: 'vo' }, history.map(({ type, data, time }) => ({ type, data, actor: 't', time })));
    } finally {
      await old.close();
    }
    const runtime = new LabRuntime(store, { snapshotEvery: 1000, idleEvictionMs: 600_000, controllerTickMs: 60_000 });
    try {
      const read = await store.readStream(id);
      expect(read.filter((event) => event.type === 'PodNetworkAttached').map((event) => [event.version, 'cni' in (event.data as object), typeof (event.data as { netns: string }).netns])).toEqual([
        [2, false, 'string'],
        [2, false, 'string'],
        [2, false, 'string'],
      ]);
      const stored = history.flatMap((event, index) => (event.data.cni ? [{ seq: index + 1, call: event.data.cni }] : []));
      expect(stored.length).toBe(4);
      expect(await runtime.stateWithCniLog(id, undefined, (state) => loggedCalls(state).map(({ seq, call }) => ({ seq, call })))).toEqual(stored);
    } finally {
      runtime.onModuleDestroy();
    }
  });
});
