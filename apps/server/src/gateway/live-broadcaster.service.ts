import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { ActivityLog } from './activity-log';
import { LabsNamespace, roomOf } from './labs-namespace';

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
  private derived?: Subscription;

  constructor(
    @Inject(LabsNamespace) private readonly labs: LabsNamespace,
    @Inject(ActivityLog) private readonly activity: ActivityLog,
    @Inject(LabRuntime) private readonly runtime: LabRuntime & DerivedSource,
  ) {}

  onModuleInit(): void {
    this.derived = this.runtime.derived?.subscribe(({ labId, occurrence }) => this.publishDerived(labId, occurrence));
  }

  onModuleDestroy(): void {
    this.derived?.unsubscribe();
  }

  /** Sends `hop` { traceId, hop } for every hop, `pacingMs` apart, then `trace` (the result with id = traceId). */
  async broadcastTrace(labId: string, traceId: string, hops: unknown[], result: TraceResult, pacingMs: number): Promise<void> {
    this.activity.record(labId, { traceId, at: result.at, hops, result });
    const room = roomOf(labId);
    for (const [index, hop] of hops.entries()) {
      if (index > 0 && pacingMs > 0) await sleep(pacingMs);
      this.labs.namespace.to(room).emit('hop', { traceId, hop });
    }
    this.labs.namespace.to(room).emit('trace', { ...result, id: traceId });
  }

  /** A derived occurrence (kube-proxy sync, endpoint update, ARP expiry...) as the timeline shows it. */
  publishDerived(labId: string, occurrence: object): void {
    this.labs.namespace.to(roomOf(labId)).emit('derived', occurrence);
  }
}
