import type { NextSync } from './sync-policy';
import type { KubeProxyConfig } from './types';

/** Lab time as the timeline shows it: m:ss, or h:mm:ss from one hour on. */
export function formatLabTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const two = (n: number) => `${n}`.padStart(2, '0');
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(seconds % 60)}` : `${two(m)}:${two(seconds % 60)}`;
}

const seconds = (ms: number) => `${ms / 1000}s`;

/** One sentence for the timeline and the shell: when kube-proxy's rules come back, and why. */
export function explainNextSync(config: KubeProxyConfig, next: NextSync): string {
  const when = formatLabTime(next.at);
  if (config.version === '1.26') {
    return `kube-proxy 1.26 rewrites every rule on each full sync every ${seconds(config.syncPeriodMs)}: the rules come back at ${when}.`;
  }
  switch (next.reason) {
    case 'canary-lost':
      return `kube-proxy ${config.version} polls its KUBE-PROXY-CANARY chain in the mangle table every ${seconds(config.syncPeriodMs)}: it finds it gone and runs a full sync at ${when}, restoring every rule and jump.`;
    case 'retry-after-failure':
      return `kube-proxy ${config.version}'s last iptables-restore failed, so it retries with a full sync ${seconds(config.syncPeriodMs)} later, at ${when}, restoring every rule and jump.`;
    case 'startup':
      return `kube-proxy ${config.version} starts with a full sync at ${when}, writing every rule and jump.`;
    case 'change':
      return next.kind === 'full'
        ? `kube-proxy ${config.version} syncs the Service/Endpoint change at ${when} as a full sync, restoring every rule and jump.`
        : `kube-proxy ${config.version} syncs the Service/Endpoint change at ${when} as a partial sync: the KUBE-* chains come back, but jumps from built-in chains return only with a full sync (restart or canary loss).`;
    default:
      return `kube-proxy ${config.version} does not notice a flush (it only checks its mangle canary chain) and has no periodic full sync: the next sync is a partial one at ${when}, which restores the KUBE-* chains but not the jumps from built-in chains; restart kube-proxy or delete its canary to get them back.`;
  }
}
