import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@hoplab/event-store';

/** A trace someone ran, kept with the seq it ran against so that a replay can show it at that moment. */
export interface TraceActivity {
  traceId: string;
  at: number;
  hops: unknown[];
  result: Record<string, unknown>;
}

/**
 * The traces run in each lab, in the store's trace_activity table (traces change nothing in the lab,
 * so they are not events): they survive a restart, every instance sees the same log, and they go
 * when their lab is deleted.
 */
@Injectable()
export class ActivityLog {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async record(labId: string, activity: TraceActivity): Promise<void> {
    await this.store.execute('INSERT INTO trace_activity (lab_id, trace_id, at, hops, result) VALUES (?, ?, ?, ?, ?)', [
      labId,
      activity.traceId,
      activity.at,
      JSON.stringify(activity.hops),
      JSON.stringify(activity.result),
    ]);
  }

  /** Traces run against seqs `from`..`to`, in the order they ran. */
  async tracesBetween(labId: string, from: number, to: number): Promise<TraceActivity[]> {
    const rows = await this.store.execute('SELECT trace_id, at, hops, result FROM trace_activity WHERE lab_id = ? AND at BETWEEN ? AND ? ORDER BY position', [
      labId,
      from,
      to,
    ]);
    return rows.map((row) => ({ traceId: String(row.trace_id), at: Number(row.at), hops: JSON.parse(String(row.hops)), result: JSON.parse(String(row.result)) }));
  }
}
