import type { LearnedNeighbour } from './types';

/**
 * How long a resolved neighbour saves an ARP request. The kernel keeps an entry REACHABLE for
 * base_reachable_time (30 s, randomised 15–45 s), then STALE; a STALE entry is still used at once
 * (the kernel re-confirms it with a unicast probe, no broadcast request) until garbage collection,
 * gc_stale_time 60 s after its last use. HopLab uses the 60 s bound: a trace within 60 simulated
 * seconds of the last one that used a neighbour sends no ARP request.
 */
export const NEIGHBOUR_FRESH_MS = 60_000;

/**
 * A trace is an activity, not a state change: the neighbour caches it fills are returned
 * (TraceResult.learned) and handed back by the caller on later traces, so trace() stays pure.
 */
export class NeighbourCache {
  private readonly lastUse = new Map<string, number>();
  readonly learned: LearnedNeighbour[] = [];

  constructor(
    known: readonly LearnedNeighbour[],
    private readonly now: number,
  ) {
    for (const entry of known) {
      const key = `${entry.cache}|${entry.ip}`;
      if (entry.at <= now && entry.at > (this.lastUse.get(key) ?? -Infinity)) this.lastUse.set(key, entry.at);
    }
  }

  /** Milliseconds since the neighbour was last used, or null when a fresh ARP request is needed. */
  age(cache: string, ip: string): number | null {
    const at = this.lastUse.get(`${cache}|${ip}`);
    return at === undefined || this.now - at > NEIGHBOUR_FRESH_MS ? null : this.now - at;
  }

  /** Records a resolution (or a use): later lookups in this trace and later traces find it. */
  use(cache: string, ip: string): void {
    this.lastUse.set(`${cache}|${ip}`, this.now);
    this.learned.push({ cache, ip, at: this.now });
  }
}
