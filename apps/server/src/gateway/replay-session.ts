import type { StoredEvent } from '@hoplab/events';
import type { TraceActivity } from './activity-log';

export type ReplayItem = { kind: 'event'; event: StoredEvent } | { kind: 'trace'; trace: TraceActivity };

export interface ReplayStatus {
  status: 'playing' | 'paused' | 'ended';
  /** The seq of the next event to be sent; null at the end. */
  next: number | null;
}

export interface ReplayOutput {
  item(item: ReplayItem): void;
  status(status: ReplayStatus): void;
}

/** Longest wait between two items, in wall ms at speed 1: idle stretches of the lab are skipped. */
const MAX_GAP_MS = 2000;

/** Events in seq order with each trace placed right after the event it ran against. */
export function replayItems(events: StoredEvent[], traces: TraceActivity[]): ReplayItem[] {
  const bySeq = new Map<number, TraceActivity[]>();
  for (const trace of traces) bySeq.set(trace.at, [...(bySeq.get(trace.at) ?? []), trace]);
  return events.flatMap((event): ReplayItem[] => [{ kind: 'event', event }, ...(bySeq.get(event.seq) ?? []).map((trace): ReplayItem => ({ kind: 'trace', trace }))]);
}

/**
 * Plays a stretch of a lab's history to one client: simulated time between events divided by
 * `speed` (gaps capped), with pause, resume, step and seek. It reads nothing and changes nothing.
 */
export class ReplaySession {
  private position = 0;
  private timer?: NodeJS.Timeout;
  private playing = false;

  constructor(
    private readonly items: ReplayItem[],
    private readonly speed: number,
    private readonly output: ReplayOutput,
  ) {}

  play(): ReplayStatus {
    this.playing = true;
    this.schedule();
    return this.report();
  }

  pause(): ReplayStatus {
    this.playing = false;
    clearTimeout(this.timer);
    return this.report();
  }

  /** Sends the next item at once (the replay stays paused). */
  step(): ReplayStatus {
    this.pause();
    this.sendNext();
    return this.report();
  }

  /** Moves to the first event at or after `seq`, playing on if it was playing. */
  seek(seq: number): ReplayStatus {
    clearTimeout(this.timer);
    const index = this.items.findIndex((item) => item.kind === 'event' && item.event.seq >= seq);
    this.position = index === -1 ? this.items.length : index;
    if (this.playing) this.schedule();
    return this.report();
  }

  stop(): void {
    this.playing = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.position >= this.items.length) {
      this.playing = false;
      this.report();
      return;
    }
    this.timer = setTimeout(() => {
      this.sendNext();
      this.schedule();
    }, this.delayBefore(this.position));
  }

  private sendNext(): void {
    const item = this.items[this.position];
    if (!item) return;
    this.position++;
    this.output.item(item);
  }

  private delayBefore(index: number): number {
    const current = this.items[index];
    const previous = this.items[index - 1];
    if (index === 0 || current.kind === 'trace' || !previous) return 0;
    const previousTime = previous.kind === 'event' ? previous.event.time : this.timeOfTrace(index - 1);
    return Math.min(MAX_GAP_MS, Math.max(0, current.event.time - previousTime)) / this.speed;
  }

  private timeOfTrace(index: number): number {
    for (let i = index; i >= 0; i--) {
      const item = this.items[i];
      if (item.kind === 'event') return item.event.time;
    }
    return 0;
  }

  private report(): ReplayStatus {
    const nextEvent = this.items.slice(this.position).find((item) => item.kind === 'event');
    const status: ReplayStatus = {
      status: this.position >= this.items.length ? 'ended' : this.playing ? 'playing' : 'paused',
      next: nextEvent?.kind === 'event' ? nextEvent.event.seq : null,
    };
    this.output.status(status);
    return status;
  }
}
