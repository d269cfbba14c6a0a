/** The timers the coalescer runs on (the real ones in the server, fake ones in tests). */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface LabPresence {
  /** Members joined or left since the last announcement began. */
  changed: boolean;
  timer?: unknown;
}

/**
 * Announces each lab's member list at most once every `intervalMs`: the first change after a quiet
 * interval is announced at once, the changes that follow within the interval in one announcement at
 * its end. Each announcement reads the members when it runs, so the last one always has them all
 * (a class of 1,000 joining costs each client a handful of lists instead of one per join). An
 * announcement sends every member the whole list, n² in all: with `perMemberMs`, the interval after
 * announcing n members is at least n × perMemberMs, so a big room is told less often.
 */
export class PresenceCoalescer {
  private readonly labs = new Map<string, LabPresence>();
  private stopped = false;

  /** `announce` reports its own failures: the coalescer only goes on after them. */
  constructor(
    /** Resolves with the number of members announced (nothing: as if none). */
    private readonly announce: (labId: string) => Promise<number | void>,
    private readonly intervalMs: number,
    private readonly timers: Timers = realTimers,
    private readonly perMemberMs = 0,
  ) {}

  /** Someone joined or left `labId`. */
  changed(labId: string): void {
    if (this.stopped) return;
    const lab = this.labs.get(labId);
    if (lab) {
      lab.changed = true;
      return;
    }
    const fresh: LabPresence = { changed: true };
    this.labs.set(labId, fresh);
    fresh.timer = this.timers.setTimeout(() => this.tick(labId, fresh), 0);
  }

  /** Cancels every pending announcement and ignores later changes (the server is shutting down). */
  stop(): void {
    this.stopped = true;
    for (const lab of this.labs.values()) if (lab.timer !== undefined) this.timers.clearTimeout(lab.timer);
    this.labs.clear();
  }

  private tick(labId: string, lab: LabPresence): void {
    lab.timer = undefined;
    if (!lab.changed) {
      this.labs.delete(labId);
      return;
    }
    lab.changed = false;
    // The interval counts from the end of the announcement; stop() may have dropped the lab meanwhile.
    const next = (members: number | void) => {
      const interval = Math.max(this.intervalMs, (members ?? 0) * this.perMemberMs);
      if (this.labs.get(labId) === lab) lab.timer = this.timers.setTimeout(() => this.tick(labId, lab), interval);
    };
    this.announce(labId).then(next, () => next(0));
  }
}
