import { Injectable } from '@nestjs/common';

/** A trace someone ran, kept with the seq it ran against so that a replay can show it at that moment. */
export interface TraceActivity {
  traceId: string;
  at: number;
  hops: unknown[];
  result: Record<string, unknown>;
}

const KEPT_PER_LAB = 500;

/**
 * The traces run in each lab, in memory on the instance that ran them (the newest KEPT_PER_LAB per lab).
 * Traces change nothing in the lab, so they are not events; a restart forgets them.
 */
@Injectable()
export class ActivityLog {
  private readonly traces = new Map<string, TraceActivity[]>();

  record(labId: string, activity: TraceActivity): void {
    const log = this.traces.get(labId) ?? [];
    log.push(activity);
    if (log.length > KEPT_PER_LAB) log.splice(0, log.length - KEPT_PER_LAB);
    this.traces.set(labId, log);
  }

  /** Traces run against seqs `from`..`to`, in the order they ran. */
  tracesBetween(labId: string, from: number, to: number): TraceActivity[] {
    return (this.traces.get(labId) ?? []).filter((trace) => trace.at >= from && trace.at <= to);
  }
}
