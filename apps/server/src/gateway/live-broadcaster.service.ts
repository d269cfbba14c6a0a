import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { ActivityLog } from './activity-log';
import { LabOutbox } from './lab-outbox';

/** A trace's final result as the tracer returns it (`id` is set to the trace id when broadcast). */
export type TraceResult = Record<string, unknown> & { at: number };

/** The hook for derived occurrences: a `derived` stream on LabRuntime, when the runtime offers one. */
interface DerivedSource {
  derived?: Observable<{ labId: string; occurrence: object }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What other parts of the server push to a lab's clients on every instance: streamed traces
 * (paced for animation and kept in the activity log) and derived occurrences.
 */
@Injectable()
export class LiveBroadcaster implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveBroadcaster.name);
  private derived?: Subscription;

  constructor(
    @Inject(LabOutbox) private readonly outbox: LabOutbox,
    @Inject(ActivityLog) private readonly activity: ActivityLog,
    @Inject(LabRuntime) private readonly runtime: LabRuntime & DerivedSource,
  ) {}

  onModuleInit(): void {
    this.derived = this.runtime.derived?.subscribe(({ labId, occurrence }) => this.publishDerived(labId, occurrence));
  }

  onModuleDestroy(): void {
    this.derived?.unsubscribe();
  }

  /**
   * Sends `hop` { traceId, hop } for every hop, `pacingMs` apart, then `trace` (the result with id = traceId),
   * and keeps the trace in the lab's activity log meanwhile; resolves once both are done.
   */
  async broadcastTrace(labId: string, traceId: string, hops: unknown[], result: TraceResult, pacingMs: number): Promise<void> {
    const recorded = this.keepTrace(labId, traceId, hops, result);
    for (const [index, hop] of hops.entries()) {
      if (index > 0 && pacingMs > 0) await sleep(pacingMs);
      this.outbox.sendEverywhere(labId, 'hop', { traceId, hop });
    }
    this.outbox.sendEverywhere(labId, 'trace', { ...result, id: traceId });
    await recorded;
  }

  /** Keeps a trace someone ran in the lab's activity log (for replays), without broadcasting it; never rejects. */
  keepTrace(labId: string, traceId: string, hops: unknown[], result: TraceResult): Promise<void> {
    return this.activity
      .record(labId, { traceId, at: result.at, hops, result })
      .catch((error: unknown) => this.logger.warn(`lab ${labId}: trace ${traceId} not kept in the activity log: ${String(error)}`));
  }

  /**
   * A derived occurrence (kube-proxy sync, endpoint update, ARP expiry...) as the timeline shows it, to
   * this instance's clients: every instance with clients of a lab keeps it live and runs its controllers
   * (deterministic, so all compute the same occurrences), and each client hears them once, from its own.
   */
  publishDerived(labId: string, occurrence: object): void {
    this.outbox.sendLocal(labId, 'derived', occurrence);
  }
}
