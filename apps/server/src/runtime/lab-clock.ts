/**
 * A lab's simulated clock: it runs at `speed` times the wall clock from the last event on, so the
 * simulated time of the next event follows from stored facts (the last event's simulated time and
 * when it was recorded) and survives restarts. Speed 0 pauses it.
 */
export interface ClockAnchor {
  /** Simulated ms of the last event. */
  time: number;
  /** Wall-clock ms when that event was recorded. */
  recordedAt: number;
  speed: number;
}

export function simulatedNow(anchor: ClockAnchor, wallNow: number): number {
  const elapsed = Math.max(0, wallNow - anchor.recordedAt);
  return anchor.time + Math.floor(elapsed * anchor.speed);
}

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go/Kubernetes duration ("30s", "1m30s", "250ms") into milliseconds; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit], 0));
}
