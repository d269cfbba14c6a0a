import { parseDuration, simulatedNow } from './lab-clock';

describe('simulatedNow', () => {
  it('runs at the lab speed from the last event', () => {
    expect(simulatedNow({ time: 5000, recordedAt: 1_000_000, speed: 1 }, 1_002_500)).toBe(7500);
    expect(simulatedNow({ time: 5000, recordedAt: 1_000_000, speed: 4 }, 1_002_500)).toBe(15000);
  });

  it('stands still when paused and never runs backwards', () => {
    expect(simulatedNow({ time: 5000, recordedAt: 1_000_000, speed: 0 }, 9_000_000)).toBe(5000);
    expect(simulatedNow({ time: 5000, recordedAt: 1_000_000, speed: 1 }, 999_000)).toBe(5000);
  });
});

describe('parseDuration', () => {
  it('reads Go durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
  });

  it('refuses anything else', () => {
    for (const text of ['', '30', 's', '30x', '1m 30s', '-1s', '30s!']) expect(parseDuration(text)).toBeUndefined();
  });
});
