import { EventValidationError, type EventRegistry, type NewEvent, type StoredEvent } from '@hoplab/events';
import { EventStore, LabAlreadyExistsError, StoreUnavailableError, VersionConflictError, type ReplayEvent } from '@hoplab/event-store';
import { countedEvent, currentRegistry, legacyRegistry } from './fixtures/event-store-registry';

/** A fresh, empty database that can be opened (and reopened) as a store. */
export interface TestDatabase {
  open(registry: EventRegistry): Promise<EventStore>;
  dispose(): Promise<void>;
}

const tokens = (lab: string) => ({ instructor: `${lab}-i`, student: `${lab}-s`, observer: `${lab}-o` });
const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);
const ns = (events: StoredEvent[]) => events.map((e) => (e.data as { n: number }).n);
/** What a replay reads of stored events: seq, type, version, data and time. */
const replayView = (events: StoredEvent[]) => events.map(({ seq, type, version, data, time }) => ({ seq, type, version, data, time }));

/** Every page of a replay, in order. */
async function replayPages(store: EventStore, labId: string, options: { from?: number; to?: number; pageSize: number }): Promise<ReplayEvent[][]> {
  const pages: ReplayEvent[][] = [];
  for await (const page of store.replay(labId, options)) pages.push(page);
  return pages;
}

/** A replay's events, its pages joined. */
const replayed = async (store: EventStore, labId: string, options: { from?: number; to?: number; pageSize?: number } = {}) =>
  (await replayPages(store, labId, { pageSize: 1000, ...options })).flat();

/** The behaviour every EventStore backend must show; `freshDatabase` gives each test its own database. */
export function eventStoreContract(freshDatabase: () => Promise<TestDatabase>): void {
  let database: TestDatabase;
  let store: EventStore;
  const reopen = async (registry: EventRegistry = currentRegistry()) => {
    await store.close();
    store = await database.open(registry);
    return store;
  };

  beforeEach(async () => {
    database = await freshDatabase();
    store = await database.open(currentRegistry());
  });
  afterEach(async () => {
    await store.close();
    await database.dispose();
  });

  describe('appending and reading a stream', () => {
    it('numbers events 1, 2, 3... per lab and reads them back in order', async () => {
      const first = await store.appendToStream('lab-a', [countedEvent(1), countedEvent(2, 'two')], { expectedVersion: 0 });
      expect(first.nextExpectedVersion).toBe(2);
      expect(first.events.map((e) => [e.labId, e.seq, e.type, e.version, e.actor, e.time])).toEqual([
        ['lab-a', 1, 'Counted', 1, 'test', 1],
        ['lab-a', 2, 'Counted', 1, 'test', 2],
      ]);
      expect(first.lastGlobalPosition).toBe(first.events[1].globalPosition);
      const second = await store.appendToStream('lab-a', [countedEvent(3)], { expectedVersion: 2 });
      expect(second.nextExpectedVersion).toBe(3);
      expect(second.lastGlobalPosition).toBeGreaterThan(first.lastGlobalPosition);

      const read = await store.readStream('lab-a');
      expect(read).toEqual([...first.events, ...second.events]);
      expect(seqs(read)).toEqual([1, 2, 3]);
      // Data is stored as validated, schema defaults included.
      expect(read.map((e) => e.data)).toEqual([{ n: 1, note: '' }, { n: 2, note: 'two' }, { n: 3, note: '' }]);
      expect(new Date(read[0].recordedAt).toISOString()).toBe(read[0].recordedAt);
      expect(await store.streamVersion('lab-a')).toBe(3);
      expect(await store.streamVersion('lab-none')).toBe(0);
      expect(await store.readStream('lab-none')).toEqual([]);
    });

    it('reads a slice by from, to and limit', async () => {
      await store.appendToStream('lab-a', [1, 2, 3, 4, 5, 6].map((n) => countedEvent(n)), { expectedVersion: 0 });
      expect(seqs(await store.readStream('lab-a', { from: 3 }))).toEqual([3, 4, 5, 6]);
      expect(seqs(await store.readStream('lab-a', { to: 2 }))).toEqual([1, 2]);
      expect(seqs(await store.readStream('lab-a', { from: 2, to: 5, limit: 2 }))).toEqual([2, 3]);
      expect(seqs(await store.readStream('lab-a', { from: 7 }))).toEqual([]);
      await expect(store.readStream('lab-a', { from: -1 })).rejects.toThrow(RangeError);
    });

    it('replay gives the same slices with what evolve needs: seq, type, version, data and time', async () => {
      await store.appendToStream('lab-a', [countedEvent(1), countedEvent(2, 'two "quoted" \\ é')], { expectedVersion: 0 });
      await store.appendToStream('lab-b', [countedEvent(9)], { expectedVersion: 0 });
      await store.appendToStream('lab-a', [3, 4, 5, 6].map((n) => countedEvent(n)), { expectedVersion: 2 });
      expect(await replayed(store, 'lab-a')).toEqual(replayView(await store.readStream('lab-a')));
      expect((await replayed(store, 'lab-a', { to: 2 }))[1]).toEqual({ seq: 2, type: 'Counted', version: 1, data: { n: 2, note: 'two "quoted" \\ é' }, time: 2 });
      expect(await replayed(store, 'lab-a', { from: 2, to: 5 })).toEqual(replayView(await store.readStream('lab-a', { from: 2, to: 5 })));
      expect(await replayed(store, 'lab-a', { from: 7 })).toEqual([]);
      expect(await replayed(store, 'lab-none')).toEqual([]);
      await expect(replayed(store, 'lab-a', { from: -1 })).rejects.toThrow(RangeError);
    });

    it('replay reads a page of large events (10 MB of data) as readStream does', async () => {
      const big = (n: number) => countedEvent(n, `${n}`.padEnd(256 * 1024, '"\\x'));
      await store.appendToStream('lab-a', [countedEvent(0), ...Array.from({ length: 40 }, (_, i) => big(i + 1))], { expectedVersion: 0 });
      const read = await replayed(store, 'lab-a', { from: 1 });
      expect(read).toHaveLength(41);
      expect(read).toEqual(replayView(await store.readStream('lab-a')));
      // Pages of 35: the first one passes what one page string may hold, and is read row by row.
      const pages = await replayPages(store, 'lab-a', { pageSize: 35 });
      expect(pages.map((page) => page.length)).toEqual([35, 6]);
      expect(pages.flat()).toEqual(read);
    });

    it('replay gives the stored events page by page, short or long (a long one is read ahead)', async () => {
      await store.appendToStream('lab-a', Array.from({ length: 10 }, (_, i) => countedEvent(i + 1)), { expectedVersion: 0 });
      await store.appendToStream('lab-b', [countedEvent(99)], { expectedVersion: 0 });
      await store.appendToStream('lab-a', Array.from({ length: 15 }, (_, i) => countedEvent(i + 11, i % 2 ? 'odd "quoted" \\ é' : '')), { expectedVersion: 10 });
      const pagesOf = (options: { from?: number; to?: number; pageSize: number }) => replayPages(store, 'lab-a', options);
      const all = replayView(await store.readStream('lab-a'));
      const long = await pagesOf({ pageSize: 4 });
      expect(long.map((page) => page.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
      expect(long.flat()).toEqual(all);
      expect((await pagesOf({ pageSize: 25 })).flat()).toEqual(all);
      const short = await pagesOf({ from: 3, to: 9, pageSize: 4 });
      expect(short.map((page) => page.length)).toEqual([4, 3]);
      expect(short.flat()).toEqual(replayView(await store.readStream('lab-a', { from: 3, to: 9 })));
      expect((await pagesOf({ from: 2, to: 24, pageSize: 3 })).flat()).toEqual(replayView(await store.readStream('lab-a', { from: 2, to: 24 })));
      expect(await pagesOf({ from: 26, pageSize: 4 })).toEqual([]);
      expect(await replayPages(store, 'lab-none', { pageSize: 4 })).toEqual([]);
      await expect(pagesOf({ pageSize: 0 })).rejects.toThrow(RangeError);
    });

    it('a replay stopped after its first page leaves the store as it was: replays and appends go on', async () => {
      await store.appendToStream('lab-a', Array.from({ length: 30 }, (_, i) => countedEvent(i + 1)), { expectedVersion: 0 });
      for await (const page of store.replay('lab-a', { pageSize: 2 })) {
        expect(page.map((event) => event.seq)).toEqual([1, 2]);
        break;
      }
      await store.appendToStream('lab-a', [countedEvent(31)], { expectedVersion: 30 });
      const seqsRead: number[] = [];
      for await (const page of store.replay('lab-a', { pageSize: 2 })) seqsRead.push(...page.map((event) => event.seq));
      expect(seqsRead).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    });

    it("appends with expectedVersion 'any' after whatever is there", async () => {
      await store.appendToStream('lab-a', [countedEvent(1)], { expectedVersion: 'any' });
      const result = await store.appendToStream('lab-a', [countedEvent(2)], { expectedVersion: 'any' });
      expect(result.nextExpectedVersion).toBe(2);
      expect(ns(await store.readStream('lab-a'))).toEqual([1, 2]);
    });

    it('keeps object keys in the order they were written', async () => {
      const entries = { zeta: 1, a: 2, middle: 3, b: 4 };
      await store.appendToStream('lab-a', [{ type: 'Mapped', data: { entries }, actor: 'test', time: 0 }], { expectedVersion: 0 });
      const [read] = await store.readStream('lab-a');
      expect(Object.keys((read.data as { entries: object }).entries)).toEqual(['zeta', 'a', 'middle', 'b']);
      await store.saveSnapshot({ labId: 'lab-a', seq: 1, schemaVersion: 1, state: entries });
      expect(Object.keys((await store.loadLatestSnapshot('lab-a', 1, 1))!.state as object)).toEqual(['zeta', 'a', 'middle', 'b']);
    });

    it('answers an empty append with the stream head, still checking the version', async () => {
      const empty = await store.appendToStream('lab-a', [], { expectedVersion: 0 });
      expect(empty).toEqual({ nextExpectedVersion: 0, lastGlobalPosition: 0, events: [] });
      const written = await store.appendToStream('lab-a', [countedEvent(1)], { expectedVersion: 0 });
      expect(await store.appendToStream('lab-a', [], { expectedVersion: 1 })).toEqual({ nextExpectedVersion: 1, lastGlobalPosition: written.lastGlobalPosition, events: [] });
      await expect(store.appendToStream('lab-a', [], { expectedVersion: 0 })).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('keeps events across a reopen', async () => {
      await store.appendToStream('lab-a', [countedEvent(1), countedEvent(2)], { expectedVersion: 0 });
      await reopen();
      expect(ns(await store.readStream('lab-a'))).toEqual([1, 2]);
      expect((await store.appendToStream('lab-a', [countedEvent(3)], { expectedVersion: 2 })).nextExpectedVersion).toBe(3);
    });
  });

  describe('optimistic concurrency', () => {
    it('rejects a stale expected version and writes nothing', async () => {
      await store.appendToStream('lab-a', [countedEvent(1), countedEvent(2)], { expectedVersion: 0 });
      const before = await store.readAll();

      for (const expectedVersion of [0, 1, 3]) {
        const attempt = store.appendToStream('lab-a', [countedEvent(99), countedEvent(100)], { expectedVersion });
        await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
        await expect(attempt).rejects.toMatchObject({ labId: 'lab-a', expected: expectedVersion, actual: 2 });
      }
      expect(await store.readAll()).toEqual(before);
      expect(await store.streamVersion('lab-a')).toBe(2);
      // A new stream must be appended with expectedVersion 0.
      await expect(store.appendToStream('lab-b', [countedEvent(1)], { expectedVersion: 1 })).rejects.toMatchObject({ expected: 1, actual: 0 });
      expect(await store.readStream('lab-b')).toEqual([]);
    });

    it('keeps seq gap-free under 50 concurrent appenders to one lab, losing and duplicating nothing', async () => {
      let conflicts = 0;
      const appender = async (writer: number) => {
        const batch = [countedEvent(writer * 2), countedEvent(writer * 2 + 1)];
        for (;;) {
          const version = await store.streamVersion('lab-hot');
          try {
            return await store.appendToStream('lab-hot', batch, { expectedVersion: version });
          } catch (error) {
            if (!(error instanceof VersionConflictError)) throw error;
            conflicts++;
          }
        }
      };
      const results = await Promise.all(Array.from({ length: 50 }, (_, writer) => appender(writer)));

      const events = await store.readStream('lab-hot');
      expect(seqs(events)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect([...ns(events)].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // Each batch landed contiguously, in its own order, at the seqs its append reported.
      for (const result of results) {
        const [a, b] = result.events;
        expect(b.seq).toBe(a.seq + 1);
        expect(events[a.seq - 1]).toEqual(a);
        expect(events[b.seq - 1]).toEqual(b);
      }
      expect(new Set(results.map((r) => r.nextExpectedVersion)).size).toBe(50);
      expect(conflicts).toBeGreaterThan(0);
      const positions = events.map((e) => e.globalPosition);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    });
  });

  describe('readAll', () => {
    it('returns every lab interleaved in global order, pageable by position', async () => {
      const appended: StoredEvent[] = [];
      const versions: Record<string, number> = { a: 0, b: 0, c: 0 };
      for (const [lab, size] of [['a', 2], ['b', 1], ['a', 1], ['c', 3], ['b', 2]] as const) {
        const events = Array.from({ length: size }, () => countedEvent(appended.length));
        const result = await store.appendToStream(`lab-${lab}`, events, { expectedVersion: versions[lab] });
        versions[lab] = result.nextExpectedVersion;
        appended.push(...result.events);
      }

      const all = await store.readAll();
      expect(all).toEqual(appended);
      const positions = all.map((e) => e.globalPosition);
      expect(new Set(positions).size).toBe(positions.length);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(all.map((e) => `${e.labId}:${e.seq}`)).toEqual(['lab-a:1', 'lab-a:2', 'lab-b:1', 'lab-a:3', 'lab-c:1', 'lab-c:2', 'lab-c:3', 'lab-b:2', 'lab-b:3']);

      const pages: StoredEvent[] = [];
      for (let after = 0; ; ) {
        const page = await store.readAll({ after, limit: 4 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        pages.push(...page);
        after = page[page.length - 1].globalPosition;
      }
      expect(pages).toEqual(all);
      expect(await store.readAll({ after: positions[positions.length - 1] })).toEqual([]);
    });
  });

  describe('snapshots', () => {
    it('round-trip and come back only for the asked schema version', async () => {
      const state = { nodes: [{ name: 'minikube', ip: '192.168.49.2' }], clock: 1234, nested: { empty: [], flag: true, nothing: null } };
      await store.saveSnapshot({ labId: 'lab-a', seq: 10, schemaVersion: 1, state });
      await store.saveSnapshot({ labId: 'lab-a', seq: 20, schemaVersion: 1, state: { at: 20 } });
      await store.saveSnapshot({ labId: 'lab-a', seq: 30, schemaVersion: 2, state: { at: 30 } });

      expect(await store.loadLatestSnapshot('lab-a', 15, 1)).toEqual({ labId: 'lab-a', seq: 10, schemaVersion: 1, state });
      expect(await store.loadLatestSnapshot('lab-a', 20, 1)).toEqual({ labId: 'lab-a', seq: 20, schemaVersion: 1, state: { at: 20 } });
      expect(await store.loadLatestSnapshot('lab-a', 100, 1)).toMatchObject({ seq: 20 });
      expect(await store.loadLatestSnapshot('lab-a', 100, 2)).toMatchObject({ seq: 30, state: { at: 30 } });
      expect(await store.loadLatestSnapshot('lab-a', 25, 2)).toBeNull();
      expect(await store.loadLatestSnapshot('lab-a', 9, 1)).toBeNull();
      expect(await store.loadLatestSnapshot('lab-a', 100, 3)).toBeNull();
      expect(await store.loadLatestSnapshot('lab-b', 100, 1)).toBeNull();
    });

    it('overwrites a snapshot saved again at the same seq and keeps only the latest few per lab', async () => {
      await store.saveSnapshot({ labId: 'lab-a', seq: 5, schemaVersion: 1, state: { v: 'old' } });
      await store.saveSnapshot({ labId: 'lab-a', seq: 5, schemaVersion: 1, state: { v: 'new' } });
      expect(await store.loadLatestSnapshot('lab-a', 5, 1)).toMatchObject({ state: { v: 'new' } });

      await store.saveSnapshot({ labId: 'lab-b', seq: 1, schemaVersion: 1, state: {} });
      for (const seq of [10, 15, 20, 25]) await store.saveSnapshot({ labId: 'lab-a', seq, schemaVersion: 1, state: { seq } });
      const kept = EventStore.defaultSnapshotsKeptPerLab;
      expect(kept).toBeGreaterThanOrEqual(2);
      const seqsAll = [5, 10, 15, 20, 25];
      for (const [index, seq] of seqsAll.entries()) {
        const found = await store.loadLatestSnapshot('lab-a', seq, 1);
        if (index >= seqsAll.length - kept) expect(found).toMatchObject({ seq });
        else expect(found).toBeNull();
      }
      expect(await store.loadLatestSnapshot('lab-b', 1, 1)).toMatchObject({ seq: 1 });
    });
  });

  describe('validation', () => {
    it('rejects unknown types and bad data, writing nothing of the batch', async () => {
      await store.appendToStream('lab-a', [countedEvent(1)], { expectedVersion: 0 });
      const before = await store.readAll();
      const bad: NewEvent[][] = [
        [countedEvent(2), { type: 'Nope', data: {}, actor: 'test', time: 2 }],
        [countedEvent(2), { type: 'Counted', data: { n: 'two' }, actor: 'test', time: 2 }],
        [{ type: 'Counted', data: { n: 2, extra: true }, actor: 'test', time: 2 }],
        [{ type: 'Counted', data: { n: 2 }, actor: '', time: 2 }],
        [{ type: 'Counted', data: { n: 2 }, actor: 'test', time: 1.5 }],
        [{ type: 'Counted', data: { n: 2 }, actor: 'test', time: -1 }],
      ];
      for (const events of bad) {
        await expect(store.appendToStream('lab-a', events, { expectedVersion: 1 })).rejects.toBeInstanceOf(EventValidationError);
      }
      await expect(store.appendToStream('lab-a', bad[0], { expectedVersion: 1 })).rejects.toThrow('unknown event type Nope');
      expect(await store.readAll()).toEqual(before);
    });
  });

  describe('upcasting', () => {
    it('reads an event written with an older schema version in the current one', async () => {
      store = await reopen(legacyRegistry());
      const old = await store.appendToStream('lab-a', [{ type: 'PodNamed', data: { ref: 'kube-system/coredns' }, actor: 'test', time: 0 }], { expectedVersion: 0 });
      expect(old.events[0]).toMatchObject({ version: 1, data: { ref: 'kube-system/coredns' } });

      store = await reopen(currentRegistry());
      await store.appendToStream('lab-a', [{ type: 'PodNamed', data: { namespace: 'default', name: 'web' }, actor: 'test', time: 1 }], { expectedVersion: 1 });
      const expected = [
        { seq: 1, type: 'PodNamed', version: 2, data: { namespace: 'kube-system', name: 'coredns' } },
        { seq: 2, type: 'PodNamed', version: 2, data: { namespace: 'default', name: 'web' } },
      ];
      expect(await store.readStream('lab-a')).toMatchObject(expected);
      expect(await store.readAll()).toMatchObject(expected);
      expect(await replayed(store, 'lab-a')).toMatchObject(expected);
      for await (const page of store.replay('lab-a', { pageSize: 1 })) expect(page).toMatchObject([expected[page[0].seq - 1]]);
      // The old event itself is not rewritten: the previous schema still reads it as it was.
      store = await reopen(legacyRegistry());
      await expect(store.readStream('lab-a', { to: 1 })).resolves.toMatchObject([{ version: 1, data: { ref: 'kube-system/coredns' } }]);
      // ...but an event of a schema version it does not know is refused, not passed on.
      await expect(store.readStream('lab-a')).rejects.toThrow('unknown schema version 2');
      await expect(store.readAll()).rejects.toBeInstanceOf(EventValidationError);
      await expect(replayed(store, 'lab-a')).rejects.toThrow('unknown schema version 2');
    });
  });

  describe('labs and tokens', () => {
    it('creates a lab with its tokens and first events in one go and finds it by token', async () => {
      const { lab, events } = await store.createLab({ id: 'lab-1', name: 'first' }, tokens('lab-1'), [countedEvent(1), countedEvent(2)]);
      expect(lab).toEqual({ id: 'lab-1', name: 'first', createdAt: expect.any(String), parentLabId: null, forkSeq: null, version: 2 });
      expect(new Date(lab.createdAt).toISOString()).toBe(lab.createdAt);
      expect(seqs(events)).toEqual([1, 2]);
      expect(await store.readStream('lab-1')).toEqual(events);
      expect(await store.getLab('lab-1')).toEqual(lab);

      const fork = await store.createLab({ id: 'lab-2', name: 'fork', parentLabId: 'lab-1', forkSeq: 2 }, tokens('lab-2'), []);
      expect(fork.lab).toMatchObject({ parentLabId: 'lab-1', forkSeq: 2, version: 0 });
      expect(fork.events).toEqual([]);
      await store.appendToStream('lab-2', [countedEvent(7)], { expectedVersion: 0 });
      expect(await store.getLab('lab-2')).toMatchObject({ version: 1 });

      expect(await store.roleOf('lab-1', 'lab-1-i')).toBe('instructor');
      expect(await store.roleOf('lab-1', 'lab-1-s')).toBe('student');
      expect(await store.roleOf('lab-1', 'lab-1-o')).toBe('observer');
      expect(await store.roleOf('lab-1', 'lab-2-i')).toBeNull();
      expect(await store.roleOf('lab-9', 'lab-1-i')).toBeNull();
      expect(await store.labsForToken('lab-1-s')).toEqual([{ lab, role: 'student' }]);
      expect(await store.labsForToken('lab-2-o')).toEqual([{ lab: { ...fork.lab, version: 1 }, role: 'observer' }]);
      expect(await store.labsForToken('nobody')).toEqual([]);
      expect(await store.getLab('lab-9')).toBeNull();

      await reopen();
      expect(await store.getLab('lab-1')).toEqual(lab);
      expect(await store.roleOf('lab-1', 'lab-1-i')).toBe('instructor');
    });

    it('writes nothing when the id is taken or an initial event is invalid', async () => {
      const { lab } = await store.createLab({ id: 'lab-1', name: 'first' }, tokens('lab-1'), [countedEvent(1)]);
      await expect(store.createLab({ id: 'lab-1', name: 'again' }, tokens('other'), [countedEvent(5)])).rejects.toBeInstanceOf(LabAlreadyExistsError);
      await expect(store.createLab({ id: 'lab-2', name: 'bad' }, tokens('lab-2'), [countedEvent(1), { type: 'Nope', data: {}, actor: 'x', time: 0 }])).rejects.toBeInstanceOf(
        EventValidationError,
      );
      expect(await store.getLab('lab-1')).toEqual(lab);
      expect(await store.getLab('lab-2')).toBeNull();
      expect(await store.labsForToken('other-i')).toEqual([]);
      expect(await store.labsForToken('lab-2-i')).toEqual([]);
      expect(ns(await store.readAll())).toEqual([1]);
    });

    it('deleteLab removes the lab, its events, tokens and snapshots, and leaves other labs alone', async () => {
      await store.createLab({ id: 'lab-1', name: 'doomed' }, tokens('lab-1'), [countedEvent(1), countedEvent(2)]);
      await store.createLab({ id: 'lab-2', name: 'kept' }, tokens('lab-2'), [countedEvent(3)]);
      await store.saveSnapshot({ labId: 'lab-1', seq: 2, schemaVersion: 1, state: { x: 1 } });
      await store.saveSnapshot({ labId: 'lab-2', seq: 1, schemaVersion: 1, state: { x: 2 } });
      const lastPosition = (await store.readAll()).at(-1)!.globalPosition;

      expect(await store.deleteLab('lab-1')).toBe(true);
      expect(await store.getLab('lab-1')).toBeNull();
      expect(await store.readStream('lab-1')).toEqual([]);
      expect(await store.streamVersion('lab-1')).toBe(0);
      expect(await store.roleOf('lab-1', 'lab-1-i')).toBeNull();
      expect(await store.labsForToken('lab-1-i')).toEqual([]);
      expect(await store.loadLatestSnapshot('lab-1', 2, 1)).toBeNull();
      expect(await store.deleteLab('lab-1')).toBe(false);

      expect(ns(await store.readAll())).toEqual([3]);
      expect(await store.roleOf('lab-2', 'lab-2-s')).toBe('student');
      expect(await store.loadLatestSnapshot('lab-2', 1, 1)).toMatchObject({ state: { x: 2 } });
      // Positions are never reused, so a reader's cursor stays meaningful after a delete.
      const next = await store.appendToStream('lab-2', [countedEvent(4)], { expectedVersion: 1 });
      expect(next.lastGlobalPosition).toBeGreaterThan(lastPosition);
    });
  });

  describe('lifecycle', () => {
    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('close waits for queued writes, then refuses calls with StoreUnavailableError', async () => {
      const appends = Array.from({ length: 20 }, (_, i) => store.appendToStream('lab-a', [countedEvent(i)], { expectedVersion: 'any' }));
      const snapshot = store.saveSnapshot({ labId: 'lab-a', seq: 1, schemaVersion: 1, state: { ok: true } });
      await store.close();
      await expect(Promise.all([...appends, snapshot])).resolves.toHaveLength(21);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readStream('lab-a')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.appendToStream('lab-a', [countedEvent(1)], { expectedVersion: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);

      store = await database.open(currentRegistry());
      expect(seqs(await store.readStream('lab-a'))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.loadLatestSnapshot('lab-a', 1, 1)).toMatchObject({ state: { ok: true } });
    });
  });
}
