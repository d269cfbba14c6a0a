import type { StoredEvent } from '@hoplab/events';

/** Where a feed reads missing events and sends the ones it delivers. */
export interface FeedSource {
  /** The lab's last stored seq. */
  head(): Promise<number>;
  /** Stored events `from`..`to` (inclusive), in seq order. */
  read(from: number, to: number): Promise<StoredEvent[]>;
  /** Sends events to every client that already joined the feed. */
  broadcast(events: StoredEvent[]): void;
}

/** One client as the feed sees it: it receives catch-up events privately, then joins the broadcast. */
export interface FeedClient {
  send(events: StoredEvent[]): void;
  join(): void;
}

const CATCH_UP_PAGE = 1000;

/**
 * Turns the appends of one lab, offered in any order and possibly twice (this instance's own,
 * other instances' relayed through the adapter), into one gap-free, duplicate-free sequence.
 * `delivered` is the last seq broadcast; gaps are filled from the store, the source of truth.
 * Joining clients catch up from their `after` to `delivered` and join inside the same serial
 * section that broadcasts, so nothing falls between their catch-up and the live stream.
 */
export class LabFeed {
  private delivered = 0;
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly source: FeedSource) {
    this.tail = this.serially(async () => {
      this.delivered = await source.head();
    });
  }

  get deliveredSeq(): number {
    return this.delivered;
  }

  /** Offers appended events (one append, in seq order); resolves once they or their successors went out. */
  offer(events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    // The common case needs no queue: nothing is in flight and the events follow on directly.
    if (this.pending === 0 && events[0].seq === this.delivered + 1) {
      this.deliver(events);
      return Promise.resolve();
    }
    return this.serially(async () => {
      const fresh = events.filter((event) => event.seq > this.delivered);
      if (fresh.length === 0) return;
      if (fresh[0].seq > this.delivered + 1) this.deliver(await this.source.read(this.delivered + 1, fresh[0].seq - 1));
      this.deliver(fresh.filter((event) => event.seq > this.delivered));
    });
  }

  /** Sends `client` every event after `after` (none when undefined: live only), then makes it a live member. */
  async attach(client: FeedClient, after: number | undefined): Promise<void> {
    await this.tail;
    let sent = after ?? Number.POSITIVE_INFINITY;
    // Most of the catch-up runs outside the serial section so live delivery to others goes on meanwhile.
    while (sent < this.delivered) sent = this.catchUp(client, sent, await this.source.read(sent + 1, Math.min(this.delivered, sent + CATCH_UP_PAGE)));
    await this.serially(async () => {
      // The client saw events this feed has not heard of yet (from another instance): they are stored, deliver them.
      if (Number.isFinite(sent) && sent > this.delivered) this.deliver(await this.source.read(this.delivered + 1, sent));
      while (sent < this.delivered) sent = this.catchUp(client, sent, await this.source.read(sent + 1, Math.min(this.delivered, sent + CATCH_UP_PAGE)));
      client.join();
    });
  }

  private catchUp(client: FeedClient, sent: number, page: StoredEvent[]): number {
    if (page.length === 0) throw new Error(`the store has no events after ${sent} although ${this.delivered} was delivered`);
    client.send(page);
    return page[page.length - 1].seq;
  }

  private deliver(events: StoredEvent[]): void {
    if (events.length === 0) return;
    this.source.broadcast(events);
    this.delivered = events[events.length - 1].seq;
  }

  private serially(task: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = this.tail.then(task).finally(() => this.pending--);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
