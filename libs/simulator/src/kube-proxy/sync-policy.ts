import type { KubeProxyConfig } from './types';

/** BoundedFrequencyRunner's maxInterval in 1.28–1.32: with no events, one (partial) sync an hour. */
export const HOURLY_SYNC_MS = 3_600_000;
/** Monitor: once the mangle canary is gone, wait up to 5s for the nat and filter canaries to go too. */
export const CANARY_SETTLE_MS = 5_000;

/** What kube-proxy's sync loop knows at a moment of the simulated clock (ms since lab creation). */
export interface SyncLoopState {
  /** When kube-proxy started: the Monitor polls the canary at start + k * syncPeriod. */
  startedAt: number;
  /** Last sync attempt of any kind, undefined before the first. */
  lastSyncAt?: number;
  /** Set at start-up, after canary loss and after a failed restore; cleared by a successful sync. */
  needFullSync: boolean;
  /** When the last restore failed: the retry (a full sync) comes syncPeriod later. */
  failedAt?: number;
  /** Earliest Service/EndpointSlice change not yet synced. */
  pendingChangeSince?: number;
  /** When the mangle KUBE-PROXY-CANARY chain was deleted, if it is gone. */
  canaryDeletedAt?: number;
  /** Whether the nat and filter KUBE-PROXY-CANARY chains are gone too (no 5s wait then). */
  allCanariesGone?: boolean;
}

export type SyncReason = 'startup' | 'periodic' | 'change' | 'canary-lost' | 'retry-after-failure' | 'hourly';

export interface NextSync {
  at: number;
  kind: 'full' | 'partial';
  reason: SyncReason;
  /** What this sync rewrites, in words for the timeline. */
  restores: string[];
}

const FULL_RESTORES = [
  'jumps from PREROUTING, OUTPUT, POSTROUTING, INPUT and FORWARD',
  'every filter KUBE-* chain',
  'nat KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING and KUBE-MARK-MASQ',
  'every KUBE-SVC/SVL/EXT/SEP chain',
];
const PARTIAL_RESTORES = [
  'every filter KUBE-* chain',
  'nat KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING and KUBE-MARK-MASQ',
  'the KUBE-SVC/SVL/EXT/SEP chains of changed Services only',
];

const full = (at: number, reason: SyncReason): NextSync => ({ at, kind: 'full', reason, restores: FULL_RESTORES });
const partial = (at: number, reason: SyncReason): NextSync => ({ at, kind: 'partial', reason, restores: PARTIAL_RESTORES });

/** First Monitor poll at or after `time`. */
function nextCanaryPoll(startedAt: number, time: number, syncPeriodMs: number): number {
  const ticks = Math.max(1, Math.ceil((time - startedAt) / syncPeriodMs));
  return startedAt + ticks * syncPeriodMs;
}

/**
 * The next sync kube-proxy runs after `now`, per version:
 * - "1.26": every sync is full; one every syncPeriod, and changes trigger one no sooner than minSyncPeriod after the last.
 * - "1.28+": changes trigger partial syncs (minSyncPeriod apart); a full sync only at start-up, syncPeriod after a
 *   failed restore, or when the Monitor (polling the mangle canary every syncPeriod) finds the canary gone;
 *   otherwise an hourly partial sync.
 */
export function nextSync(config: KubeProxyConfig, state: SyncLoopState, now: number): NextSync {
  const { syncPeriodMs, minSyncPeriodMs } = config;
  const last = state.lastSyncAt;
  const rateLimited = (time: number) => (last === undefined ? time : Math.max(time, last + minSyncPeriodMs));
  if (last === undefined) return full(Math.max(now, state.startedAt), 'startup');

  const candidates: NextSync[] = [];
  if (config.version === '1.26') {
    candidates.push(full(last + syncPeriodMs, 'periodic'));
    if (state.pendingChangeSince !== undefined) candidates.push(full(rateLimited(state.pendingChangeSince), 'change'));
    if (state.failedAt !== undefined) candidates.push(full(state.failedAt + syncPeriodMs, 'retry-after-failure'));
  } else {
    if (state.failedAt !== undefined && state.needFullSync) candidates.push(full(state.failedAt + syncPeriodMs, 'retry-after-failure'));
    if (state.canaryDeletedAt !== undefined) {
      const detected = nextCanaryPoll(state.startedAt, state.canaryDeletedAt, syncPeriodMs);
      candidates.push(full(detected + (state.allCanariesGone ? 0 : CANARY_SETTLE_MS), 'canary-lost'));
    }
    if (state.pendingChangeSince !== undefined) {
      const at = rateLimited(state.pendingChangeSince);
      candidates.push(state.needFullSync ? full(at, 'change') : partial(at, 'change'));
    }
    candidates.push(state.needFullSync ? full(last + HOURLY_SYNC_MS, 'hourly') : partial(last + HOURLY_SYNC_MS, 'hourly'));
  }
  const next = candidates.reduce((a, b) => (b.at < a.at ? b : a));
  return { ...next, at: Math.max(next.at, now) };
}

/** The loop state after a sync ran at `at` and its restore succeeded or failed. */
export function afterSync(state: SyncLoopState, sync: NextSync, at: number, succeeded: boolean): SyncLoopState {
  const next: SyncLoopState = { ...state, lastSyncAt: at, pendingChangeSince: undefined };
  if (sync.reason === 'canary-lost' || sync.kind === 'full') {
    next.canaryDeletedAt = undefined;
    next.allCanariesGone = undefined;
  }
  if (succeeded) {
    next.needFullSync = false;
    next.failedAt = undefined;
  } else {
    next.needFullSync = true;
    next.failedAt = at;
  }
  return next;
}
