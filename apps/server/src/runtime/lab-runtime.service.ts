import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { NewEvent, StoredEvent } from '@hoplab/events';
import { EventStore, VersionConflictError } from '@hoplab/event-store';
import { SerialQueue } from '@hoplab/event-store/serial-queue';
import {
  controllerOccurrences,
  decide,
  evolve,
  fromSnapshot,
  initialState,
  oldestRestoredCniCall,
  SIMULATOR_SCHEMA_VERSION,
  snapshotView,
  type Command,
  type ControllerOccurrence,
  type LabState,
} from '@hoplab/simulator';
import { conflict, notFound, unprocessable } from '../problem/problem';
import { simulatedNow, type ClockAnchor } from './lab-clock';
import { RUNTIME_CONFIG, type RuntimeConfig } from './runtime-config';

interface LiveLab {
  id: string;
  state: LabState;
  anchor: ClockAnchor;
  lastUsed: number;
  snapshotSeq: number;
  /** Simulated time up to which controller occurrences were emitted. */
  derivedUpTo: number;
}

export interface DerivedOccurrence {
  labId: string;
  occurrence: ControllerOccurrence;
}

export interface MutationResult {
  version: number;
  events: StoredEvent[];
}

export interface AppendedEvents {
  labId: string;
  events: StoredEvent[];
}

/** A write waiting for its lab's next batch. */
interface QueuedWrite {
  plan: CommandPlan;
  options: { actor: string; ifMatch?: number };
  /** Times it lost the expected-version race. */
  attempt: number;
  resolve: (result: MutationResult) => void;
  reject: (error: unknown) => void;
}

/** Decides the commands of one request against the state as it grows (all-or-nothing). */
export type CommandPlan = Command[] | ((state: LabState) => Command[]);

/** Events per read while replaying: smaller pages die young (less GC promotion) and cost few more queries. */
const PAGE = 1_000;
/** A write without If-Match that lost the expected-version race (another instance appended first) is redone on fresh state. */
const MAX_CONFLICT_RETRIES = 25;
/** The n-th retry waits a random 0..min(2^n, 50) ms, so that two instances racing on one lab stop colliding in lockstep. */
const MAX_RETRY_BACKOFF_MS = 50;

/** Queued writes give the event loop a turn at least this often (wall ms). */
const WRITE_SLICE_MS = 10;

function retryBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, MAX_RETRY_BACKOFF_MS);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Holds live labs in memory, turns commands into stored events, and answers "as of" reads.
 * Every call on one lab runs in that lab's queue, so one version is only ever one state.
 */
@Injectable()
export class LabRuntime implements OnModuleDestroy {
  private readonly live = new Map<string, LiveLab>();
  /** Labs someone watches live on this instance (how many watchers): never evicted, so their controllers keep running. */
  private readonly watched = new Map<string, number>();
  private readonly queues = new Map<string, SerialQueue>();
  /** Per lab, the writes the next batch will take, in order. */
  private readonly waitingWrites = new Map<string, QueuedWrite[]>();
  private sliceStarted = 0;
  private readonly evictionTimer: NodeJS.Timeout;
  private readonly controllerTimer: NodeJS.Timeout;
  /** Every append made through this instance, in order per lab (the socket.io gateway broadcasts them). */
  readonly appended = new Subject<AppendedEvents>();
  /** What the simulator's controllers (kube-proxy syncs, endpoint updates) do in live labs, as it happens. */
  readonly derived = new Subject<DerivedOccurrence>();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.evictionTimer = setInterval(() => this.evictIdle(Date.now()), Math.min(60_000, config.idleEvictionMs)).unref();
    this.controllerTimer = setInterval(() => void this.emitControllerOccurrences(), config.controllerTickMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.evictionTimer);
    clearInterval(this.controllerTimer);
    this.appended.complete();
    this.derived.complete();
  }

  /** The controllers' occurrences in [fromTime, toTime) of a lab's simulated time (by default up to and including now). */
  occurrences(labId: string, fromTime: number, toTime?: number): Promise<ControllerOccurrence[]> {
    return this.read(labId, (state, now) => controllerOccurrences(state, fromTime, toTime ?? now + 1));
  }

  /**
   * Decides and appends the events of `plan`; `ifMatch` is the version the caller based them on.
   * Writes that wait for the lab's queue together are decided one after the other, each on the state
   * the previous ones left, and appended in one transaction (group commit: a commit per write cost a
   * tenth of a mutation's CPU under load); each still gets its own events, version and problem.
   */
  execute(labId: string, plan: CommandPlan, options: { actor: string; ifMatch?: number }): Promise<MutationResult> {
    return new Promise((resolve, reject) => this.enqueueWrites(labId, [{ plan, options, attempt: 0, resolve, reject }], 'last'));
  }

  /** Adds writes to those waiting (a batch's leftovers go first), and makes sure a batch will take them. */
  private enqueueWrites(labId: string, writes: QueuedWrite[], place: 'first' | 'last'): void {
    const waiting = this.waitingWrites.get(labId);
    if (waiting) {
      if (place === 'first') waiting.unshift(...writes);
      else waiting.push(...writes);
      return;
    }
    this.waitingWrites.set(labId, writes);
    void this.queueOf(labId).run(async () => {
      await this.yieldWhenBusy();
      const batch = this.waitingWrites.get(labId) ?? [];
      this.waitingWrites.delete(labId);
      // Settling twice does nothing: this only answers the writes an unexpected failure left waiting.
      await this.writeBatch(labId, batch).catch((error: unknown) => batch.forEach((write) => write.reject(error)));
    });
  }

  /** The writes that waited for one turn of the lab's queue: decided in order, appended together, then answered. */
  private async writeBatch(labId: string, writes: QueuedWrite[]): Promise<void> {
    let lab: LiveLab;
    try {
      lab = await this.load(labId);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    const base = lab.state.version;
    const decided: { write: QueuedWrite; events: NewEvent[]; version: number }[] = [];
    /** `tentative`: refused on a state with events of this batch that are not appended yet. */
    let refused: { write: QueuedWrite; error: unknown; tentative: boolean }[] = [];
    let later: QueuedWrite[] = [];
    let dirty = false;
    for (let i = 0; i < writes.length; i++) {
      const write = writes[i];
      const tentative = lab.state.version !== base;
      if (write.options.ifMatch !== undefined && write.options.ifMatch !== lab.state.version) {
        refused.push({ write, error: conflict(`The lab is at version ${lab.state.version}, not ${write.options.ifMatch} (If-Match); nothing was changed.`), tentative });
        continue;
      }
      try {
        const events = this.decideAndEvolve(lab, write.plan, write.options.actor);
        decided.push({ write, events, version: lab.state.version });
      } catch (error) {
        // Its commands may have been applied in part: the writes decided before it are appended, then the lab is
        // rebuilt from the store for the ones after it.
        refused.push({ write, error, tentative });
        later = writes.slice(i + 1);
        dirty = true;
        break;
      }
    }
    const pending = decided.flatMap((entry) => entry.events);
    let appended: StoredEvent[] = [];
    let failure: { error: unknown } | undefined;
    if (pending.length > 0) {
      try {
        appended = (await this.store.appendToStream(lab.id, pending, { expectedVersion: base })).events;
        this.advanceAnchor(lab, appended);
        lab.lastUsed = Date.now();
        this.maybeSnapshot(lab);
      } catch (error) {
        failure = { error };
        dirty = true;
      }
    }
    // Whatever was applied tentatively and not appended is discarded: the next batch rebuilds the lab from the store.
    if (dirty) this.live.delete(labId);
    if (failure) {
      const { error } = failure;
      // Writes without If-Match that lost the expected-version race (another instance appended first) are redone on fresh state.
      const lostRace = (write: QueuedWrite) => error instanceof VersionConflictError && write.options.ifMatch === undefined && write.attempt < MAX_CONFLICT_RETRIES;
      const redone = decided.map((entry) => entry.write).filter(lostRace);
      for (const { write } of decided) if (!lostRace(write)) refused.push({ write, error, tentative: false });
      // Those refused because of events that were never appended are reconsidered too, in their order.
      const reconsidered = new Set([...redone, ...refused.filter((entry) => entry.tentative).map((entry) => entry.write)]);
      refused = refused.filter((entry) => !reconsidered.has(entry.write));
      if (redone.length > 0) {
        await retryBackoff(Math.max(...redone.map((write) => write.attempt)));
        for (const write of redone) write.attempt++;
      }
      later = [...writes.filter((write) => reconsidered.has(write)), ...later];
    } else {
      let offset = 0;
      for (const { write, events, version } of decided) {
        const own = appended.slice(offset, (offset += events.length));
        if (own.length > 0) this.appended.next({ labId: lab.id, events: own });
        write.resolve({ version, events: own });
      }
    }
    for (const { write, error } of refused) write.reject(error);
    if (later.length > 0) this.enqueueWrites(labId, later, 'first');
  }

  /**
   * Queued writes would otherwise run back to back in one chain of promise jobs (the SQLite store is
   * synchronous), holding back every socket write of the events they broadcast until the whole burst
   * is done; a turn every WRITE_SLICE_MS lets those go out while the writes of one slice share their flush.
   */
  private async yieldWhenBusy(): Promise<void> {
    if (Date.now() - this.sliceStarted < WRITE_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStarted = Date.now();
  }

  /** Runs `read` on the live state inside the lab's queue; `read` must not keep references to the state. */
  read<T>(labId: string, read: (state: LabState, now: number) => T): Promise<T> {
    return this.queueOf(labId).run(async () => {
      const lab = await this.load(labId);
      return read(lab.state, simulatedNow(lab.anchor, Date.now()));
    });
  }

  /** The state as of event `at` (a private copy), or the live state when `at` is omitted or current. */
  async stateAt<T>(labId: string, at: number | undefined, read: (state: LabState, time: number) => T): Promise<T> {
    // One turn of the lab's queue answers the live case; an older seq is rebuilt outside it, in a private copy.
    const live = await this.read(labId, (state, now) => {
      if (at === undefined || at === state.version) return { value: read(state, now) };
      if (at > state.version) throw unprocessable(`at=${at} is beyond the lab's version ${state.version}.`, [{ path: 'at', message: `must be at most ${state.version}` }]);
      return undefined;
    });
    if (live) return live.value;
    const state = await this.rebuild(labId, at!);
    return read(state, state.time);
  }

  /**
   * Like stateAt, with every node's CNI log complete: a state rebuilt from a snapshot lacks the calls
   * logged before it (snapshots keep only their seqs), so those are replayed from an older snapshot.
   */
  async stateWithCniLog<T>(labId: string, at: number | undefined, read: (state: LabState, time: number) => T): Promise<T> {
    const version = await this.read(labId, (state) => {
      if (at !== undefined && at > state.version) throw unprocessable(`at=${at} is beyond the lab's version ${state.version}.`, [{ path: 'at', message: `must be at most ${state.version}` }]);
      return at ?? state.version;
    });
    let state = await this.rebuild(labId, version);
    const oldest = oldestRestoredCniCall(state);
    if (oldest !== undefined) {
      // Every call still in the logs is at or after `oldest`: replayed from before it, none comes from a snapshot.
      state = await this.rebuild(labId, oldest - 1);
      await this.applyTail(labId, state, version);
    }
    return read(state, state.time);
  }

  /** Forgets every live lab (tests use it to prove that the store alone rebuilds them). */
  evictAll(): void {
    this.live.clear();
  }

  isLive(labId: string): boolean {
    return this.live.has(labId);
  }

  /**
   * Keeps a lab live on this instance while its clients watch it here, so that what its controllers
   * do reaches them as `derived` occurrences; call the returned function when they are gone.
   */
  watch(labId: string): () => void {
    this.watched.set(labId, (this.watched.get(labId) ?? 0) + 1);
    // Loading it makes it live; a lab that is gone has nothing to emit.
    this.read(labId, () => undefined).catch(() => undefined);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.watched.get(labId) ?? 1) - 1;
      if (left > 0) this.watched.set(labId, left);
      else this.watched.delete(labId);
    };
  }

  /**
   * Another instance appended to the lab (the gateway hears of it through the adapter): a live copy here
   * catches up from the store, so that reads and controllers on this instance see those events too.
   */
  async appendedElsewhere(labId: string): Promise<void> {
    if (!this.live.has(labId)) return;
    await this.queueOf(labId).run(async () => {
      const lab = this.live.get(labId);
      if (!lab) return;
      const before = lab.state.version;
      await this.applyTail(labId, lab.state, Number.MAX_SAFE_INTEGER);
      if (lab.state.version === before) return;
      // The clock anchor needs the recordedAt that replays do not read.
      const last = await this.store.readStream(labId, { from: lab.state.version, to: lab.state.version });
      this.advanceAnchor(lab, last);
    });
  }

  forget(labId: string): void {
    this.live.delete(labId);
    this.queues.delete(labId);
  }

  /** Decides `plan` on the lab's state, applying each event as it is decided (later commands see the earlier ones). */
  private decideAndEvolve(lab: LiveLab, plan: CommandPlan, actor: string): NewEvent[] {
    const time = simulatedNow(lab.anchor, Date.now());
    const commands = typeof plan === 'function' ? plan(lab.state) : plan;
    const pending: NewEvent[] = [];
    for (const command of commands) {
      for (const decided of decide(lab.state, command, { time, actor })) {
        const event: NewEvent = { type: decided.type, data: decided.data, actor, time };
        pending.push(event);
        evolve(lab.state, { seq: lab.state.version + 1, type: event.type, data: event.data, time });
      }
    }
    return pending;
  }

  private async load(labId: string): Promise<LiveLab> {
    const cached = this.live.get(labId);
    if (cached) {
      cached.lastUsed = Date.now();
      return cached;
    }
    const version = await this.store.streamVersion(labId);
    if (version === 0) throw notFound(`There is no lab ${labId}.`);
    const snapshot = await this.store.loadLatestSnapshot(labId, version, SIMULATOR_SCHEMA_VERSION);
    const state = snapshot ? fromSnapshot(snapshot.state, { owned: true }) : initialState();
    await this.applyTail(labId, state, version);
    const [last] = await this.store.readStream(labId, { from: version, to: version });
    const lab: LiveLab = {
      id: labId,
      state,
      anchor: { time: state.time, recordedAt: Date.parse(last.recordedAt), speed: state.cluster.clock.speed },
      lastUsed: Date.now(),
      snapshotSeq: snapshot?.seq ?? 0,
      derivedUpTo: 0,
    };
    // What the controllers did up to now is history: only what happens from here on is emitted live.
    lab.derivedUpTo = simulatedNow(lab.anchor, Date.now()) + 1;
    this.live.set(labId, lab);
    return lab;
  }

  /** A private state as of `at`: the latest snapshot at or before it, plus the events after it. */
  private async rebuild(labId: string, at: number): Promise<LabState> {
    const snapshot = await this.store.loadLatestSnapshot(labId, at, SIMULATOR_SCHEMA_VERSION);
    const state = snapshot ? fromSnapshot(snapshot.state, { owned: true }) : initialState();
    await this.applyTail(labId, state, at);
    return state;
  }

  /** Applies the stored events after state.version up to `to`. */
  private async applyTail(labId: string, state: LabState, to: number): Promise<void> {
    if (state.version >= to) return;
    for await (const page of this.store.replay(labId, { from: state.version + 1, to, pageSize: PAGE })) {
      for (const event of page) evolve(state, event);
    }
  }

  private advanceAnchor(lab: LiveLab, events: StoredEvent[]): void {
    const last = events[events.length - 1];
    lab.anchor = { time: lab.state.time, recordedAt: Date.parse(last.recordedAt), speed: lab.state.cluster.clock.speed };
  }

  /** Off the mutation's path: the snapshot is the lab queue's next task, after the calls already waiting in it. */
  private maybeSnapshot(lab: LiveLab): void {
    if (lab.state.version - lab.snapshotSeq < this.config.snapshotEvery) return;
    lab.snapshotSeq = lab.state.version;
    this.queueOf(lab.id)
      .run(async () => {
        // A lab discarded meanwhile (a failed append) is rebuilt from the store: this state is not it.
        if (this.live.get(lab.id) !== lab) return;
        lab.snapshotSeq = lab.state.version;
        // No copy: the store serialises the snapshot before this task lets the lab's queue change the state again.
        await this.store.saveSnapshot({ labId: lab.id, seq: lab.state.version, schemaVersion: SIMULATOR_SCHEMA_VERSION, state: snapshotView(lab.state) });
      })
      // Snapshots are a cache: without this one a later load replays a longer tail.
      .catch(() => undefined);
  }

  private queueOf(labId: string): SerialQueue {
    let queue = this.queues.get(labId);
    if (!queue) {
      queue = new SerialQueue();
      this.queues.set(labId, queue);
    }
    return queue;
  }

  /** Emits, for every live lab, what its controllers did since the last tick (deterministic: a function of the state and the time). */
  private async emitControllerOccurrences(): Promise<void> {
    for (const lab of [...this.live.values()]) {
      await this.queueOf(lab.id).run(() => {
        if (this.live.get(lab.id) !== lab) return;
        // Everything up to and including the present instant has happened.
        const upTo = simulatedNow(lab.anchor, Date.now()) + 1;
        if (upTo <= lab.derivedUpTo) return;
        for (const occurrence of controllerOccurrences(lab.state, lab.derivedUpTo, upTo)) this.derived.next({ labId: lab.id, occurrence });
        lab.derivedUpTo = upTo;
      });
    }
  }

  /** Queues stay: a call may still be running in one, and they cost next to nothing. */
  private evictIdle(now: number): void {
    for (const [id, lab] of this.live) {
      if (now - lab.lastUsed >= this.config.idleEvictionMs && !this.watched.has(id)) this.live.delete(id);
    }
  }
}
