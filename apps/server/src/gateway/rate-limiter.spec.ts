import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then refuses until time refills it at the average rate', () => {
    const limiter = new RateLimiter(10, 3, 0);
    expect([1, 2, 3, 4].map(() => limiter.tryTake(0))).toEqual([true, true, true, false]);
    expect(limiter.tryTake(50)).toBe(false);
    expect(limiter.tryTake(100)).toBe(true);
    expect(limiter.tryTake(100)).toBe(false);
  });

  it('never stores more than the burst however long it was idle', () => {
    const limiter = new RateLimiter(10, 2, 0);
    expect([1, 2, 3].map(() => limiter.tryTake(60_000))).toEqual([true, true, false]);
  });
});
