// The event store on better-sqlite3 against raw better-sqlite3 doing the same inserts and reads on
// the same schema, in the same run: append one event per call, append batches of 100, read a full stream.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRegistry, type NewEvent } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { z } from 'zod';

const singleAppends = 5_000;
const batchSize = 100;
const streamLength = 100_000;
const repeats = 3;

const registry = new EventRegistry();
registry.define({ type: 'Counted', version: 1, schema: z.object({ n: z.number().int(), note: z.string() }).strict() });
const note = 'kube-proxy synced 42 rules for default/web';
const event = (n: number): NewEvent => ({ type: 'Counted', data: { n, note }, actor: 'bench', time: n });

const insertSql = 'INSERT INTO events (lab_id, seq, type, version, data, actor, time, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const selectSql = 'SELECT global_position, lab_id, seq, type, version, data, actor, time, recorded_at FROM events WHERE lab_id = ? ORDER BY seq';

/** Median of `repeats` runs of `work`, which returns how many events it handled; in events per second. */
async function rate(work: (round: number) => number | Promise<number>): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < repeats; round++) {
    const start = process.hrtime.bigint();
    const events = await work(round);
    rates.push(events / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return Math.round(rates.sort((a, b) => a - b)[Math.floor(repeats / 2)]);
}

const ratio = (store: number, raw: number) => Math.round((store / raw) * 1000) / 1000;

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-bench-'));
  try {
    const storeUrl = `sqlite:${join(dir, 'store.db')}`;
    // The raw side gets an identical schema: a database made by the store's own migrations.
    await (await EventStore.open(`sqlite:${join(dir, 'raw.db')}`, registry)).close();
    const raw = new Database(join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    const insert = raw.prepare(insertSql);
    // Column arrays instead of row objects: the fastest way better-sqlite3 reads.
    const select = raw.prepare(selectSql).raw(true);
    const store = await EventStore.open(storeUrl, registry);

    const rawInsert = (lab: string, seq: number) => insert.run(lab, seq, 'Counted', 1, JSON.stringify({ n: seq, note }), 'bench', seq, new Date().toISOString());
    const rawBatch = raw.transaction((lab: string, first: number) => {
      const recordedAt = new Date().toISOString();
      for (let seq = first; seq < first + batchSize; seq++) insert.run(lab, seq, 'Counted', 1, JSON.stringify({ n: seq, note }), 'bench', seq, recordedAt);
    });

    const single = {
      raw: await rate((round) => {
        for (let seq = 1; seq <= singleAppends; seq++) rawInsert(`single-${round}`, seq);
        return singleAppends;
      }),
      store: await rate(async (round) => {
        for (let seq = 1; seq <= singleAppends; seq++) await store.appendToStream(`single-${round}`, [event(seq)], { expectedVersion: seq - 1 });
        return singleAppends;
      }),
    };

    const batched = {
      raw: await rate((round) => {
        for (let first = 1; first <= streamLength; first += batchSize) rawBatch(`batch-${round}`, first);
        return streamLength;
      }),
      store: await rate(async (round) => {
        for (let first = 1; first <= streamLength; first += batchSize) {
          const events = Array.from({ length: batchSize }, (_, i) => event(first + i));
          await store.appendToStream(`batch-${round}`, events, { expectedVersion: first - 1 });
        }
        return streamLength;
      }),
    };

    // Both read the 100,000-event stream written by the batched appends; `raw` parses the JSON data as the store must.
    const read = {
      rawRowsOnly: await rate(() => select.all('batch-0').length),
      raw: await rate(() => (select.all('batch-0') as unknown[][]).map((row) => JSON.parse(row[5] as string)).length),
      store: await rate(async () => (await store.readStream('batch-0')).length),
    };

    await store.close();
    raw.close();
    return {
      unit: 'events/s, median of 3',
      setup: 'sqlite file, WAL, synchronous=FULL',
      appendSingle: { ...single, ratio: ratio(single.store, single.raw) },
      appendBatch100: { ...batched, ratio: ratio(batched.store, batched.raw), target: 0.5 },
      readStream100k: { ...read, ratio: ratio(read.store, read.raw), ratioToRowsOnly: ratio(read.store, read.rawRowsOnly), target: 0.7 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
