import { age, humanDuration } from './human-duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    [-3 * s, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [999, '0s'],
    [36 * s, '36s'],
    [119 * s + 999, '119s'],
    [2 * m, '2m'],
    [5 * m, '5m'],
    [5 * m + 10 * s, '5m10s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 59 * s, '10m'],
    [120 * m, '120m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [3 * h + 4 * m + 59 * s, '3h4m'],
    [8 * h - 1, '7h59m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [8 * d - 1, '7d23h'],
    [8 * d, '8d'],
    [729 * d + 23 * h, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [8 * 365 * d - 1, '7y364d'],
    [8 * 365 * d, '8y'],
    [20 * 365 * d + 100 * d, '20y'],
  ])('%d ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('age', () => {
  it('counts from the creation second, as creationTimestamp has no sub-second part', () => {
    expect(age(36_400, 0)).toBe('36s');
    expect(age(36_400, 900)).toBe('36s');
    expect(age(36_400, 1_000)).toBe('35s');
  });

  it('reads a creation time slightly ahead of the clock as 0s', () => {
    expect(age(0, 1_000)).toBe('0s');
  });
});
