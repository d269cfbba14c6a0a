import type { TimelineEntry } from './api';
import { axisTicks, eventAt, fitWindow, formatTime, MARK_GAP, placeMarks, shift, zoom } from './timeline-scale';

const event = (seq: number, time: number): TimelineEntry => ({ kind: 'event', seq, type: 'PodCreated', time });
const derived = (time: number): TimelineEntry => ({ kind: 'derived', type: 'KubeProxySynced', time, node: 'minikube' });

describe('the timeline axis', () => {
  it('labels round steps that leave room between labels, with tenths only when seconds are too coarse', () => {
    expect(axisTicks({ from: 0, to: 120_000 }, 1000).map((tick) => tick.label)).toEqual(['0:00', '0:10', '0:20', '0:30', '0:40', '0:50', '1:00', '1:10', '1:20', '1:30', '1:40', '1:50', '2:00']);
    expect(axisTicks({ from: 0, to: 120_000 }, 1000)[3].x).toBe(250);
    expect(axisTicks({ from: 1_000, to: 3_000 }, 600).map((tick) => tick.label)).toEqual(['0:01.0', '0:01.5', '0:02.0', '0:02.5', '0:03.0']);
    expect(formatTime(3_725_000)).toBe('1:02:05');
  });

  it('places events by their time, not by their index; a burst at one moment is spread by the smallest gap, in order', () => {
    const entries = [event(1, 0), event(2, 0), event(3, 0), event(4, 60_000), derived(61_000), event(5, 100_000)];
    const { marks } = placeMarks(entries, { from: 0, to: 100_000 }, 1000);
    expect(marks.map((mark) => [mark.entry.seq ?? 'derived', mark.x, mark.lane])).toEqual([
      [1, 0, 0],
      [2, MARK_GAP, 0],
      [3, 2 * MARK_GAP, 0],
      [4, 600, 0],
      ['derived', 610, 1],
      [5, 1000, 0],
    ]);
    // Zoomed in on the first minute: only what is in the window is drawn.
    expect(placeMarks(entries, { from: 50_000, to: 70_000 }, 1000).marks.map((mark) => mark.x)).toEqual([500, 550]);
  });

  it('squeezes a burst too long for the axis until its last mark is on it, in order', () => {
    const burst = Array.from({ length: 1000 }, (_, i) => event(i + 1, 0));
    const { marks, gap } = placeMarks(burst, { from: 0, to: 100_000 }, 1000);
    expect(marks).toHaveLength(1000);
    expect(gap).toBeCloseTo(1, 1);
    expect(marks.at(-1)!.x).toBeLessThanOrEqual(1000 + gap);
    expect(marks.every((mark, i) => i === 0 || mark.x > marks[i - 1].x)).toBe(true);
    expect(eventAt(marks, marks[500].x, gap)).toBe(501);
  });

  it('maps a cursor position back to the event standing there, or to none before the first', () => {
    const { marks } = placeMarks([event(1, 0), event(2, 0), event(3, 30_000), derived(40_000), event(4, 90_000)], { from: 0, to: 100_000 }, 1000);
    expect(eventAt(marks, 0)).toBe(1);
    expect(eventAt(marks, MARK_GAP)).toBe(2);
    expect(eventAt(marks, 290)).toBe(2);
    expect(eventAt(marks, 300)).toBe(3);
    expect(eventAt(marks, 500)).toBe(3);
    expect(eventAt(marks, 950)).toBe(4);
    expect(eventAt(placeMarks([event(7, 50_000)], { from: 0, to: 100_000 }, 1000).marks, 100)).toBeUndefined();
  });

  it('zooms around a moment and pans, within the history and never under a second', () => {
    expect(zoom({ from: 0, to: 100_000 }, 0.5, 50_000, 100_000)).toEqual({ from: 25_000, to: 75_000 });
    expect(zoom({ from: 0, to: 100_000 }, 0.5, 0, 100_000)).toEqual({ from: 0, to: 50_000 });
    expect(zoom({ from: 0, to: 2_000 }, 0.1, 1_000, 100_000)).toEqual({ from: 500, to: 1_500 });
    expect(zoom({ from: 25_000, to: 75_000 }, 4, 50_000, 100_000)).toEqual({ from: 0, to: 100_000 });
    expect(shift({ from: 25_000, to: 75_000 }, 40_000, 100_000)).toEqual({ from: 50_000, to: 100_000 });
    expect(shift({ from: 25_000, to: 75_000 }, -40_000, 100_000)).toEqual({ from: 0, to: 50_000 });
    expect(fitWindow(100_000)).toEqual({ from: 0, to: 105_000 });
  });
});
