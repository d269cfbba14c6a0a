import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import type { StoredEvent } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { eventView } from '../runtime/event-view';
import type { LabSocketData } from './handshake';
import { LabFeed } from './lab-feed';
import { LabOutbox } from './lab-outbox';
import { deliveryRoomOf, roomOf } from './labs-namespace';

/** The inter-instance message carrying one append: lab id and the events as JSON (what clients receive, byte for byte). */
const RELAY = 'hoplab:appended';

interface FeedEntry {
  feed: LabFeed;
  members: number;
  /** Lets the runtime evict the lab again once nobody here watches it. */
  unwatch: () => void;
}

/**
 * The `event` stream of every lab that has clients on this instance. Appends made here come from
 * LabRuntime.appended; with Redis, each instance relays its own appends to the others through the
 * adapter. Each lab's LabFeed puts both into seq order, fills gaps from the store and drops duplicates,
 * and sends to this instance's sockets only (through the LabOutbox), so every client gets every event
 * exactly once, in order.
 */
@Injectable()
export class LabFeeds implements OnModuleDestroy {
  private readonly logger = new Logger(LabFeeds.name);
  private readonly feeds = new Map<string, FeedEntry>();
  private appended?: Subscription;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(LabOutbox) private readonly outbox: LabOutbox,
  ) {}

  bind(namespace: Namespace): void {
    const clustered = Boolean(this.config.redisUrl);
    if (clustered) {
      (namespace as unknown as NodeJS.EventEmitter).on(RELAY, (labId: string, json: string) => {
        this.offer(labId, JSON.parse(json) as StoredEvent[]);
        this.runtime.appendedElsewhere(labId).catch((error: unknown) => this.logger.warn(`lab ${labId}: live state not caught up: ${String(error)}`));
      });
    }
    this.appended = this.runtime.appended.subscribe(({ labId, events }) => {
      this.offer(labId, events);
      if (clustered) namespace.serverSideEmit(RELAY, labId, JSON.stringify(events));
    });
  }

  onModuleDestroy(): void {
    this.appended?.unsubscribe();
  }

  /** Replays the events after `after` to the socket, then makes it a live member of the lab's room. */
  async attach(socket: Socket & { data: LabSocketData }, labId: string, after: number | undefined): Promise<void> {
    const entry = this.entryOf(labId);
    entry.members++;
    const batched = socket.data.batch === true;
    await entry.feed.attach(
      {
        send: (events) => {
          if (batched) socket.emit('batch', events.map((event) => ['event', eventView(event)]));
          else for (const event of events) socket.emit('event', eventView(event));
        },
        join: () => {
          // A socket that left during its catch-up must not be added back to the room.
          if (!socket.connected) return;
          // The pending batch holds events this socket's catch-up already sent.
          this.outbox.flush(labId);
          void socket.join([roomOf(labId), deliveryRoomOf(labId, batched)]);
        },
      },
      after,
    );
  }

  detach(labId: string): void {
    const entry = this.feeds.get(labId);
    if (entry && --entry.members <= 0) {
      this.feeds.delete(labId);
      entry.unwatch();
    }
  }

  private offer(labId: string, events: StoredEvent[]): void {
    this.feeds
      .get(labId)
      ?.feed.offer(events)
      .catch((error: unknown) => this.logger.error(`lab ${labId}: could not deliver events ${events[0]?.seq}..: ${String(error)}`));
  }

  private entryOf(labId: string): FeedEntry {
    let entry = this.feeds.get(labId);
    if (!entry) {
      const feed = new LabFeed({
        head: () => this.store.streamVersion(labId),
        read: (from, to) => this.store.readStream(labId, { from, to }),
        broadcast: (events) => {
          for (const event of events) this.outbox.sendLocal(labId, 'event', eventView(event));
        },
      });
      entry = { feed, members: 0, unwatch: this.runtime.watch(labId) };
      this.feeds.set(labId, entry);
    }
    return entry;
  }
}
