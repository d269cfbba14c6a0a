import type { StoredEvent } from '@hoplab/events';
import { LabFeed, type FeedClient } from './lab-feed';

function event(seq: number): StoredEvent {
  return { labId: 'lab', seq, globalPosition: seq, type: 'NodeAdded', version: 1, data: {}, actor: 'student', time: 0, recordedAt: '2025-01-01T00:00:00.000Z' };
}

/** A store of `count` events and a feed over it; `broadcasts` records every seq the feed sent to its members. */
async function given(count: number) {
  const stored = Array.from({ length: count }, (_, i) => event(i + 1));
  const broadcasts: number[] = [];
  const reads: [number, number][] = [];
  const members: { seen: number[] }[] = [];
  const feed = new LabFeed({
    head: async () => stored.length,
    read: async (from, to) => {
      reads.push([from, to]);
      return stored.filter((e) => e.seq >= from && e.seq <= to);
    },
    broadcast: (events) => {
      broadcasts.push(...events.map((e) => e.seq));
      for (const member of members) member.seen.push(...events.map((e) => e.seq));
    },
  });
  const append = (n: number) => {
    const appended = Array.from({ length: n }, (_, i) => event(stored.length + i + 1));
    stored.push(...appended);
    return appended;
  };
  const client = () => {
    const member = { seen: [] as number[] };
    const feedClient: FeedClient = { send: (events) => member.seen.push(...events.map((e) => e.seq)), join: () => members.push(member) };
    return { member, feedClient };
  };
  await new Promise(setImmediate); // the feed has read the head
  return { feed, broadcasts, reads, append, client };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('LabFeed', () => {
  it('starts after the stored head and broadcasts appends that follow on', async () => {
    const { feed, broadcasts, append } = await given(5);
    await feed.offer(append(2));
    await feed.offer(append(1));
    expect(broadcasts).toEqual([6, 7, 8]);
  });

  it('drops events offered twice or already delivered', async () => {
    const { feed, broadcasts, append } = await given(2);
    const first = append(2);
    await feed.offer(first);
    await feed.offer(first);
    await feed.offer([event(1)]);
    expect(broadcasts).toEqual([3, 4]);
  });

  it('fills a gap from the store when a later append arrives first, then ignores the late one', async () => {
    const { feed, broadcasts, reads, append } = await given(0);
    const early = append(2);
    const late = append(1);
    await feed.offer(late);
    await feed.offer(early);
    expect(broadcasts).toEqual([1, 2, 3]);
    expect(reads).toEqual([[1, 2]]);
  });

  it('replays everything after `after` to a joining client, then streams live, without gap or duplicate', async () => {
    const { feed, append, client } = await given(2500);
    const { member, feedClient } = client();
    const attached = feed.attach(feedClient, 10);
    // Appends racing the catch-up.
    const racing = [feed.offer(append(3)), feed.offer(append(2))];
    await attached;
    await Promise.all(racing);
    await feed.offer(append(4));
    expect(member.seen).toEqual(range(11, 2509));
  });

  it('joins a client without `after` to the live stream only', async () => {
    const { feed, append, client } = await given(3);
    const { member, feedClient } = client();
    await feed.attach(feedClient, undefined);
    await feed.offer(append(2));
    expect(member.seen).toEqual([4, 5]);
  });

  it('catches the feed up when a client has seen more than it (events relayed late from another instance)', async () => {
    const { feed, broadcasts, append, client } = await given(3);
    const relayedLate = append(2);
    const { member, feedClient } = client();
    await feed.attach(feedClient, 5);
    await feed.offer(relayedLate);
    await feed.offer(append(1));
    expect(member.seen).toEqual([6]);
    expect(broadcasts).toEqual([4, 5, 6]);
  });
});
