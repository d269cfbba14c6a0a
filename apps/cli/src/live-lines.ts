import type { Hop, LabEvent, TraceResult } from './lab-client';

/** One line per live notification, as printed between prompts and by `hoplab watch`. */
export function eventLine(event: LabEvent): string {
  const data = event.data as { name?: string; namespace?: string } | undefined;
  const subject = data?.name ? ` ${data.namespace ? `${data.namespace}/` : ''}${data.name}` : '';
  return `[event #${event.seq}] ${event.type}${subject} (${event.actor})`;
}

export function hopLine(traceId: string, hop: Hop): string {
  return `[hop ${shortId(traceId)} #${hop.index}] ${hop.node} ${hop.netns} ${hop.device} ${hop.layer}/${hop.action}: ${hop.summary}`;
}

export function traceLine(result: TraceResult): string {
  return `[trace ${shortId(result.id)}] ${result.verdict}: ${result.reason}`;
}

/** A progress bar of a streaming trace: hops received of the hops the trace has. */
export function progressBar(received: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.min(width, Math.round((received / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${received}/${total} hops`;
}

function shortId(id: string): string {
  return id.slice(0, 8);
}
