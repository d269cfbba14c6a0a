const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("30s", "1m30s", "500ms") in ms, as ClusterSpec's schema accepts it. */
export function parseGoDuration(text: string): number {
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(value) * UNIT_MS[unit];
  return Math.round(total);
}
