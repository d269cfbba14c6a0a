import type { LabState } from '../cluster/types';
import { explainNextSync, formatLabTime } from '../kube-proxy';
import { clusterServices, kubeProxyConfig } from './kube-proxy-input';
import { nodeSimulation } from './node-tables';
import { kubeProxyReplaced } from '../cni/plugins';

/**
 * One sentence for the timeline and the shell: when the node's kube-proxy rules come back after
 * what the user did to them since kube-proxy's last full sync, and why (per kube-proxy version).
 */
export function explainIptablesRecovery(state: LabState, nodeName: string, time = state.time): string {
  if (kubeProxyReplaced(state.cluster)) return `No kube-proxy runs on ${nodeName} (cilium's kube-proxy replacement): nothing writes KUBE-* service rules back; Services are cilium's eBPF load balancer's.`;
  const simulation = nodeSimulation(state, nodeName, time);
  const config = kubeProxyConfig(state);
  const next = simulation.next;
  if (!simulation.touched) {
    return `kube-proxy ${config.version}'s rules on ${nodeName} are as it wrote them: nothing to recover (its next sync, ${next.kind}, is at ${formatLabTime(next.at)}).`;
  }
  if (config.version !== '1.26' && next.kind === 'partial' && partialWillFail(state, simulation.netfilter!)) {
    const full = formatLabTime(next.at + config.syncPeriodMs);
    return `kube-proxy ${config.version}'s service chains were deleted: its next sync, a partial one at ${formatLabTime(next.at)}, will fail on the missing chains, and the full sync it retries ${config.syncPeriodMs / 1000}s later, at ${full}, restores every rule and jump.`;
  }
  return explainNextSync(config, next);
}

/** A partial restore jumps to the chains of unchanged Services: it fails when the user deleted them. */
function partialWillFail(state: LabState, netfilter: NonNullable<ReturnType<typeof nodeSimulation>['netfilter']>): boolean {
  const { endpoints } = clusterServices(state);
  const hasEndpoints = [...endpoints.values()].some((list) => list.length > 0);
  return hasEndpoints && ![...netfilter.nat.chains.keys()].some((name) => name.startsWith('KUBE-SVC-'));
}
