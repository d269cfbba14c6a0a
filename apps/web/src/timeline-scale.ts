import type { TimelineEntry } from './api';

/** The stretch of simulated time the timeline shows, in ms since the lab was created. */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface Tick {
  time: number;
  x: number;
  label: string;
}

/** An entry drawn on the axis: events on lane 0, derived occurrences (kube-proxy syncs...) on lane 1. */
export interface Mark {
  entry: TimelineEntry;
  x: number;
  lane: 0 | 1;
}

/** Marks closer than this (px) would hide each other: the later one is nudged right, so each stays clickable. */
export const MARK_GAP = 7;
const STEPS_MS = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];
const MIN_WINDOW_MS = 1_000;

export const xOf = (time: number, window: TimeWindow, width: number) => ((time - window.from) / (window.to - window.from)) * width;
export const timeAt = (x: number, window: TimeWindow, width: number) => window.from + (x / width) * (window.to - window.from);

/** Simulated time as the lab shows it: m:ss (h:mm:ss from one hour on), with tenths when the ticks are that close. */
export function formatTime(ms: number, tenths = false): string {
  const total = Math.floor(ms / 1000);
  const two = (n: number) => `${n}`.padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const clock = h > 0 ? `${h}:${two(m)}:${two(total % 60)}` : `${m}:${two(total % 60)}`;
  return tenths ? `${clock}.${Math.floor((ms % 1000) / 100)}` : clock;
}

/** Labelled ticks at the smallest round step that leaves `minGap` px between labels. */
export function axisTicks(window: TimeWindow, width: number, minGap = 70): Tick[] {
  const span = window.to - window.from;
  const step = STEPS_MS.find((candidate) => (candidate / span) * width >= minGap) ?? STEPS_MS[STEPS_MS.length - 1];
  const ticks: Tick[] = [];
  for (let time = Math.ceil(window.from / step) * step; time <= window.to; time += step) {
    ticks.push({ time, x: xOf(time, window, width), label: formatTime(time, step < 1000) });
  }
  return ticks;
}

/**
 * Entries at their time's x, in order; on each lane a mark is at least `gap` right of the one before it. The gap is
 * MARK_GAP unless a burst (hundreds of events in one instant) would then run past the right edge: it shrinks until
 * the burst fits, the marks then overlapping into a dense band.
 */
export function placeMarks(entries: readonly TimelineEntry[], window: TimeWindow, width: number): { marks: Mark[]; gap: number } {
  let gap = MARK_GAP;
  for (;;) {
    const lastX: [number, number] = [-Infinity, -Infinity];
    const marks: Mark[] = [];
    let overflow = 0;
    for (const entry of entries) {
      const lane = entry.kind === 'derived' ? 1 : 0;
      const at = xOf(entry.time, window, width);
      const x = Math.max(at, lastX[lane] + gap);
      lastX[lane] = x;
      if (at <= width) overflow = Math.max(overflow, x - width);
      if (x >= -gap && x <= width + gap) marks.push({ entry, x, lane });
    }
    if (overflow <= gap || gap < 0.05) return { marks, gap };
    gap *= width / (width + overflow);
  }
}

/** The event a cursor at `x` stands on: the last event mark at or left of it (half a gap of slack); undefined before the first. */
export function eventAt(marks: readonly Mark[], x: number, gap = MARK_GAP): number | undefined {
  let found: number | undefined;
  for (const mark of marks) {
    if (mark.lane !== 0 || mark.entry.seq === undefined) continue;
    if (mark.x > x + gap / 2) break;
    found = mark.entry.seq;
  }
  return found;
}

/** The window zoomed by `factor` (< 1 zooms in) around `anchor`, kept within [0, end] and at least a second long. */
export function zoom(window: TimeWindow, factor: number, anchor: number, end: number): TimeWindow {
  const span = Math.min(Math.max(MIN_WINDOW_MS, (window.to - window.from) * factor), Math.max(end, MIN_WINDOW_MS));
  const share = (anchor - window.from) / (window.to - window.from);
  return shift({ from: anchor - share * span, to: anchor - share * span + span }, 0, end);
}

/** The window moved by `delta` ms, kept within [0, end]. */
export function shift(window: TimeWindow, delta: number, end: number): TimeWindow {
  const span = window.to - window.from;
  const from = Math.min(Math.max(0, window.from + delta), Math.max(0, end - span));
  return { from, to: from + span };
}

/** The whole history with a margin on the right, where the live clock runs on. */
export function fitWindow(end: number): TimeWindow {
  return { from: 0, to: Math.max(MIN_WINDOW_MS, end * 1.05) };
}
