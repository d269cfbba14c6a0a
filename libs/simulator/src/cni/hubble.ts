import { hash } from 'node:crypto';
import { civilFromDays, MONTH_ABBREVIATIONS } from '../time/civil-date';

/**
 * `hubble observe` compact flow lines (datapath-facts §6):
 * `<Mon _D HH:MM:SS.mmm>: <ns>/<pod>[:<port>] (ID:<identity>) <dir> <ns>/<pod>[:<port>] (ID:<identity>) <point> <VERDICT> (<summary>)`
 * with dir `->` (request), `<-` (reply), `<>` (dropped / unknown). The timestamp is Go's
 * time.StampMilli in UTC.
 */
export interface HubbleEndpoint {
  namespace: string;
  /** A pod, or a Service (socket LB's pre-translation destination, printed with `(world)`). */
  pod: string;
  port?: number;
  identity: number | 'world';
}

/** Flow verdicts; policy-verdict events print ALLOWED / DENIED after the direction instead. */
export type HubbleVerdict = 'FORWARDED' | 'DROPPED' | 'ERROR' | 'AUDIT' | 'REDIRECTED' | 'TRACED' | 'TRANSLATED' | 'ALLOWED' | 'DENIED';

export interface HubbleFlow {
  /** ms since the Unix epoch. */
  epochMs: number;
  source: HubbleEndpoint;
  destination: HubbleEndpoint;
  direction: '->' | '<-' | '<>';
  /** Observation point (to-endpoint, to-overlay, …), a policy verdict or a drop reason ("Policy denied"). */
  point: string;
  verdict: HubbleVerdict;
  /** e.g. "TCP Flags: SYN", "ICMPv4 EchoRequest". */
  summary: string;
}

/** Go's time.StampMilli ("Jan _2 15:04:05.000") of a UTC instant, without Date (civil-from-days). */
export function stampMilli(epochMs: number): string {
  const days = Math.floor(epochMs / 86_400_000);
  const msOfDay = epochMs - days * 86_400_000;
  const { month, day } = civilFromDays(days);
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  return `${MONTH_ABBREVIATIONS[month - 1]} ${String(day).padStart(2, ' ')} ${two(h)}:${two(m)}:${two(s)}.${String(msOfDay % 1000).padStart(3, '0')}`;
}

function endpoint(e: HubbleEndpoint): string {
  return `${e.namespace}/${e.pod}${e.port !== undefined ? `:${e.port}` : ''} ${e.identity === 'world' ? '(world)' : `(ID:${e.identity})`}`;
}

export function hubbleFlowLine(flow: HubbleFlow): string {
  return `${stampMilli(flow.epochMs)}: ${endpoint(flow.source)} ${flow.direction} ${endpoint(flow.destination)} ${flow.point} ${flow.verdict} (${flow.summary})`;
}

/**
 * A pod's numeric security identity: cilium allocates one per distinct set of security-relevant
 * labels (namespace included), cluster-local ones from 256 up. HopLab derives it from the labels,
 * so pods with the same labels share it, as in cilium.
 */
export function securityIdentity(namespace: string, labels: Record<string, string>): number {
  const key = [`k8s:io.kubernetes.pod.namespace=${namespace}`, ...Object.keys(labels).sort().map((name) => `k8s:${name}=${labels[name]}`)].join(';');
  return 256 + (parseInt(hash('sha256', key, 'hex').slice(0, 8), 16) % 65280);
}
