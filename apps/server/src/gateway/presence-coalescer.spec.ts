import { PresenceCoalescer, type Timers } from './presence-coalescer';

/** Timers driven by hand: `advance(ms)` runs what falls due, in order, letting announcements settle in between. */
function manualTimers() {
  let now = 0;
  let nextId = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout: (run, ms) => (pending.set(++nextId, { at: now + ms, run }), nextId),
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const settle = () => new Promise(setImmediate);
  const advance = async (ms: number) => {
    const until = now + ms;
    await settle();
    for (;;) {
      const due = [...pending].filter(([, timer]) => timer.at <= until).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
      await settle();
    }
    now = until;
  };
  return { timers, advance, pendingCount: () => pending.size, now: () => now };
}

function given(intervalMs = 200) {
  const clock = manualTimers();
  const announced: [string, number][] = [];
  const members = new Map<string, number>();
  const coalescer = new PresenceCoalescer(
    async (labId) => void announced.push([labId, members.get(labId) ?? 0]),
    intervalMs,
    clock.timers,
  );
  const join = (labId: string) => {
    members.set(labId, (members.get(labId) ?? 0) + 1);
    coalescer.changed(labId);
  };
  return { clock, announced, join, coalescer, members };
}

describe('PresenceCoalescer', () => {
  it('waits longer after announcing a big room: at least perMemberMs per member announced', async () => {
    const clock = manualTimers();
    const announced: number[] = [];
    let members = 0;
    const coalescer = new PresenceCoalescer(async () => (announced.push(members), members), 200, clock.timers, 1);
    const join = (n: number) => {
      members += n;
      coalescer.changed('lab');
    };
    join(1_000);
    await clock.advance(0);
    join(1);
    await clock.advance(999);
    expect(announced).toEqual([1_000]);
    await clock.advance(1);
    expect(announced).toEqual([1_000, 1_001]);
  });


  it('announces the first change at once and the changes within the interval together at its end, with the members as they are then', async () => {
    const { clock, announced, join } = given();
    join('lab');
    await clock.advance(0);
    expect(announced).toEqual([['lab', 1]]);
    for (let i = 0; i < 299; i++) join('lab');
    await clock.advance(199);
    expect(announced).toEqual([['lab', 1]]);
    await clock.advance(1);
    expect(announced).toEqual([['lab', 1], ['lab', 300]]);
  });

  it('makes at most one announcement per interval however many members join, and ends with all of them', async () => {
    const { clock, announced, join } = given();
    // 1,000 joins, one every 3 ms: 3 s of joining.
    for (let i = 0; i < 1000; i++) {
      join('lab');
      await clock.advance(3);
    }
    await clock.advance(1000);
    expect(announced.length).toBeLessThanOrEqual(3000 / 200 + 1);
    expect(announced.length).toBeGreaterThan(1);
    expect(announced.at(-1)).toEqual(['lab', 1000]);
  });

  it('keeps labs apart', async () => {
    const { clock, announced, join } = given();
    join('a');
    join('b');
    join('a');
    await clock.advance(0);
    expect(announced).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    join('b');
    await clock.advance(200);
    expect(announced).toEqual([
      ['a', 2],
      ['b', 1],
      ['b', 2],
    ]);
  });

  it('forgets a lab after a quiet interval, so the next change is announced at once again', async () => {
    const { clock, announced, join } = given();
    join('lab');
    await clock.advance(200);
    expect(clock.pendingCount()).toBe(0);
    await clock.advance(5000);
    join('lab');
    await clock.advance(0);
    expect(announced).toEqual([
      ['lab', 1],
      ['lab', 2],
    ]);
  });

  it('goes on after an announcement that failed', async () => {
    const clock = manualTimers();
    let calls = 0;
    const coalescer = new PresenceCoalescer(async () => {
      calls++;
      if (calls === 1) throw new Error('fetchSockets timed out');
    }, 200, clock.timers);
    coalescer.changed('lab');
    await clock.advance(0);
    coalescer.changed('lab');
    await clock.advance(200);
    expect(calls).toBe(2);
  });

  it('cancels pending announcements when stopped and ignores the changes after', async () => {
    const { clock, announced, join, coalescer } = given();
    join('lab');
    await clock.advance(0);
    join('lab');
    coalescer.stop();
    join('other');
    await clock.advance(1000);
    expect(announced).toEqual([['lab', 1]]);
    expect(clock.pendingCount()).toBe(0);
  });
});
