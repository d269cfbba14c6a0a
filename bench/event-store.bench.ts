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
const repeats = 5;

const registry = new EventRegistry();
registry.define({ type: 'Counted', version: 1, schema: z.object({ n: z.number().int(), note: z.string() }).strict() });
const note = 'kube-proxy synced 42 rules for default/web';
const event = (n: number): NewEvent => ({ type: 'Counted', data: { n, note }, actor: 'bench', time: n });

const insertSql = 'INSERT INTO events (lab_id, seq, type, version, data, actor, time, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const selectSql = 'SELECT global_position, lab_id, seq, type, version, data, actor, time, recorded_at FROM events WHERE lab_id = ? ORDER BY seq';

async function eventsPerSecond(work: () => number | Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const events = await work();
  return events / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs raw and store alternately, `repeats` times, so both see the same load on a shared machine.
 * Rates are medians in events per second; the ratio is the median of the per-round ratios.
 */
async function compare(raw: (round: number) => number | Promise<number>, store: (round: number) => number | Promise<number>) {
  const rates = { raw: [] as number[], store: [] as number[] };
  for (let round = 0; round < repeats; round++) {
    rates.raw.push(await eventsPerSecond(() => raw(round)));
    rates.store.push(await eventsPerSecond(() => store(round)));
  }
  const ratios = rates.store.map((rate, round) => rate / rates.raw[round]);
  return { raw: Math.round(median(rates.raw)), store: Math.round(median(rates.store)), ratio: Math.round(median(ratios) * 1000) / 1000 };
}

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

    const appendSingle = await compare(
      (round) => {
        for (let seq = 1; seq <= singleAppends; seq++) rawInsert(`single-${round}`, seq);
        return singleAppends;
      },
      async (round) => {
        for (let seq = 1; seq <= singleAppends; seq++) await store.appendToStream(`single-${round}`, [event(seq)], { expectedVersion: seq - 1 });
        return singleAppends;
      },
    );

    const appendBatch100 = await compare(
      (round) => {
        for (let first = 1; first <= streamLength; first += batchSize) rawBatch(`batch-${round}`, first);
        return streamLength;
      },
      async (round) => {
        for (let first = 1; first <= streamLength; first += batchSize) {
          const events = Array.from({ length: batchSize }, (_, i) => event(first + i));
          await store.appendToStream(`batch-${round}`, events, { expectedVersion: first - 1 });
        }
        return streamLength;
      },
    );

    // Both read a 100,000-event stream written by the batched appends; raw parses the JSON data as the store must.
    const readStream100k = await compare(
      () => (select.all('batch-0') as unknown[][]).map((row) => JSON.parse(row[5] as string)).length,
      async () => (await store.readStream('batch-0')).length,
    );
    // The floor without JSON parsing, for reference.
    const rowsOnlyRates: number[] = [];
    for (let round = 0; round < repeats; round++) rowsOnlyRates.push(await eventsPerSecond(() => select.all('batch-0').length));
    const rawRowsOnly = Math.round(median(rowsOnlyRates));

    await store.close();
    raw.close();
    return {
      unit: `events/s, median of ${repeats}`,
      setup: 'sqlite file, WAL, synchronous=FULL',
      appendSingle,
      appendBatch100: { ...appendBatch100, target: 0.5 },
      readStream100k: { ...readStream100k, rawRowsOnly, target: 0.7 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
