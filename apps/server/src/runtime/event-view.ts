import type { StoredEvent } from '@hoplab/events';

/** An event as API.md shows it to clients (the store's labId and globalPosition stay inside). */
export interface EventView {
  seq: number;
  type: string;
  version: number;
  data: unknown;
  actor: string;
  time: number;
  recordedAt: string;
}

export function eventView({ seq, type, version, data, actor, time, recordedAt }: StoredEvent): EventView {
  return { seq, type, version, data, actor, time, recordedAt };
}
