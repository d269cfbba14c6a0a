import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { EventStore } from '@hoplab/event-store';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { eventView } from '../runtime/event-view';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { parseOrThrow } from '../validation/zod-body';
import { stateView } from './state-view';

/** Events keep their seq order; an occurrence goes after the events of its instant. */
function mergeByTime<E extends { time: number }, D extends { time: number }>(events: E[], occurrences: D[]): (E | D)[] {
  const merged: (E | D)[] = [];
  let o = 0;
  for (const event of events) {
    while (o < occurrences.length && occurrences[o].time < event.time) merged.push(occurrences[o++]);
    merged.push(event);
  }
  return merged.concat(occurrences.slice(o));
}

const atQuery = z.object({ at: z.coerce.number().int().min(1).optional() }).strict();
const timelineQuery = z
  .object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(10000).default(1000) })
  .strict();

@ApiTags('reads')
@ApiBearerAuth()
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
export class ReadsController {
  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  @Get('state')
  @ApiOperation({ summary: 'The lab as of event `at` (default: now)' })
  @ApiQuery({ name: 'at', required: false, type: Number })
  async state(@Req() request: LabRequest, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: FastifyReply) {
    const { at } = parseOrThrow(atQuery, query, 'query');
    const view = await this.runtime.stateAt(request.labAccess.lab.id, at, stateView);
    response.header('ETag', `"${view.version}"`);
    return view;
  }

  @Get('timeline')
  @ApiOperation({ summary: 'Events interleaved with the derived occurrences of the simulator’s controllers, by simulated time' })
  @ApiQuery({ name: 'after', required: false, type: Number })
  async timeline(@Req() request: LabRequest, @Query() query: Record<string, unknown>) {
    const { after, limit } = parseOrThrow(timelineQuery, query, 'query');
    const labId = request.labAccess.lab.id;
    const events = await this.store.readStream(labId, { from: after + 1, limit });
    const [previous] = after > 0 ? await this.store.readStream(labId, { from: after, to: after }) : [];
    const last = events[events.length - 1];
    const pageIsFull = events.length === limit && last.seq < request.labAccess.lab.version;
    // A full page ends at its last event; the last page runs up to the lab's present.
    const occurrences = await this.runtime.occurrences(labId, previous?.time ?? 0, pageIsFull ? last.time : undefined);
    return mergeByTime(
      events.map((event) => ({ kind: 'event' as const, ...eventView(event) })),
      occurrences,
    );
  }
}
