import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labEvents } from '@hoplab/events';
import { EventStore, VersionConflictError } from '@hoplab/event-store';
import { applyCommand, evolve, initialState, SimulatorError, type Command } from '@hoplab/simulator';
import { ProblemException } from '../problem/problem';
import { LabRuntime, type AppendedEvents } from './lab-runtime.service';

const LAB = 'lab0000000000001';
const pod = (name: string, nodeName = 'minikube-m02'): Command => ({ type: 'createPod', namespace: 'default', name, nodeName, containers: [{ name: 'c', image: 'nginx' }] });

/** Writes that reach one lab together are decided in order and appended in one transaction; each is answered on its own. */
describe('LabRuntime writes', () => {
  let dir: string;
  let store: EventStore;
  let runtime: LabRuntime;
  let appended: AppendedEvents[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoplab-runtime-'));
    store = await EventStore.open(`sqlite:${join(dir, 'lab.db')}`, labEvents);
    const state = initialState();
    const events = [{ type: 'createLab', name: 'batch' } as Command, { type: 'addNode' } as Command, { type: 'addNode' } as Command].flatMap((command) => applyCommand(state, command, 0, 'test'));
    await store.createLab({ id: LAB, name: 'batch' }, { instructor: 'i', student: 's', observer: 'o' }, events.map((event) => ({ type: event.type, data: event.data, actor: 'test', time: 0 })));
    runtime = new LabRuntime(store, { snapshotEvery: 1000, idleEvictionMs: 600_000, controllerTickMs: 60_000 });
    appended = [];
    runtime.appended.subscribe((append) => appended.push(append));
  });

  afterEach(async () => {
    runtime.onModuleDestroy();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const version = () => runtime.read(LAB, (state) => state.version);
  const podNames = () => runtime.read(LAB, (state) => [...state.pods.values()].filter((p) => p.namespace === 'default').map((p) => p.name).sort());
  const settle = (writes: Promise<unknown>[]) => Promise.allSettled(writes);

  it('answers writes sent together with their own events and consecutive versions, broadcast in order', async () => {
    const start = await version();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((name) => runtime.execute(LAB, [pod(name)], { actor: 'student' })));
    expect(results.map((result) => result.events.map((event) => event.type))).toEqual(Array(4).fill(['PodCreated', 'PodNetworkAttached']));
    expect(results.map((result) => result.version)).toEqual([start + 2, start + 4, start + 6, start + 8]);
    expect(results.map((result) => result.events[0].seq)).toEqual([start + 1, start + 3, start + 5, start + 7]);
    expect(appended.map((append) => append.events.map((event) => event.seq))).toEqual(results.map((result) => result.events.map((event) => event.seq)));
    expect((await store.readStream(LAB, { from: start + 1 })).map((event) => (event.data as { name: string }).name)).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
  });

  it('refuses a write whose If-Match the writes before it made stale, and one its commands reject, appending the others', async () => {
    const start = await version();
    const [a, stale, taken, b] = await settle([
      runtime.execute(LAB, [pod('a')], { actor: 'student', ifMatch: start }),
      runtime.execute(LAB, [pod('x')], { actor: 'student', ifMatch: start }),
      runtime.execute(LAB, [pod('a')], { actor: 'student' }),
      runtime.execute(LAB, [pod('b')], { actor: 'student' }),
    ]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { version: start + 2 } });
    expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(ProblemException) });
    expect((stale as PromiseRejectedResult).reason.getStatus()).toBe(409);
    expect(taken).toMatchObject({ status: 'rejected', reason: expect.any(SimulatorError) });
    expect(b).toMatchObject({ status: 'fulfilled', value: { version: start + 4 } });
    expect(await podNames()).toEqual(['a', 'b']);
    expect(await version()).toBe(start + 4);
  });

  it('appends the writes before one whose commands fail half-way, drops the rest of its commands and rebuilds the lab for the writes after it', async () => {
    const start = await version();
    const [first, halfway, last] = await settle([
      runtime.execute(LAB, [pod('a')], { actor: 'student' }),
      runtime.execute(LAB, [pod('b'), pod('c', 'ghost')], { actor: 'student' }),
      runtime.execute(LAB, [pod('d')], { actor: 'student' }),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { version: start + 2 } });
    expect(halfway).toMatchObject({ status: 'rejected', reason: expect.any(SimulatorError) });
    expect(last).toMatchObject({ status: 'fulfilled', value: { version: start + 4 } });
    expect(await podNames()).toEqual(['a', 'd']);
    runtime.evictAll();
    expect(await podNames()).toEqual(['a', 'd']);
  });

  it('redoes on fresh state the writes without If-Match that lost the race to another instance, and refuses those with one', async () => {
    const start = await version();
    // Another instance appends behind this one's back: this runtime's live state is behind the store.
    const other = initialState();
    for (const event of await store.readStream(LAB)) evolve(other, event);
    const elsewhere = applyCommand(other, { type: 'createNamespace', name: 'elsewhere' }, 0, 'other');
    await store.appendToStream(LAB, elsewhere.map((event) => ({ type: event.type, data: event.data, actor: 'other', time: 0 })), { expectedVersion: start });
    const [pinned, plain] = await settle([runtime.execute(LAB, [pod('b')], { actor: 'student', ifMatch: start }), runtime.execute(LAB, [pod('a')], { actor: 'student' })]);
    expect(plain).toMatchObject({ status: 'fulfilled', value: { version: start + elsewhere.length + 2 } });
    expect(pinned).toMatchObject({ status: 'rejected', reason: expect.any(VersionConflictError) });
    expect(await podNames()).toEqual(['a']);
    expect(await runtime.read(LAB, (state) => state.namespaces.has('elsewhere'))).toBe(true);
  });

  it('reconsiders a write refused on events that were never appended', async () => {
    const start = await version();
    const other = initialState();
    for (const event of await store.readStream(LAB)) evolve(other, event);
    const elsewhere = applyCommand(other, { type: 'createNamespace', name: 'elsewhere' }, 0, 'other');
    await store.appendToStream(LAB, elsewhere.map((event) => ({ type: event.type, data: event.data, actor: 'other', time: 0 })), { expectedVersion: start });
    // The second write is refused on the first one's events, which lose the race: it is refused again on what the store holds.
    const [plain, pinned] = await settle([runtime.execute(LAB, [pod('a')], { actor: 'student' }), runtime.execute(LAB, [pod('b')], { actor: 'student', ifMatch: start })]);
    expect(plain).toMatchObject({ status: 'fulfilled', value: { version: start + elsewhere.length + 2 } });
    expect((pinned as PromiseRejectedResult).reason.message).toBe(`The lab is at version ${start + elsewhere.length + 2}, not ${start} (If-Match); nothing was changed.`);
  });
});
