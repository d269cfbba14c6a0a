/**
 * Which CNI plugins enforce NetworkPolicy. Flannel and the bridge plugin store policies (the API
 * server accepts them) and ignore them, as in real life; HopLab says so instead of staying silent.
 */
import { evaluateFlow } from './evaluate';
import type { NetpolIndex } from './policy-index';
import type { Flow, FlowVerdict, NetpolWorld } from './types';

const enforcing = new Set(['calico', 'cilium', 'weave']);

export function enforcesNetworkPolicy(plugin: string): boolean {
  return enforcing.has(plugin);
}

export interface PluginFlowVerdict extends FlowVerdict {
  plugin: string;
  enforced: boolean;
  /** Names of the policies that would have denied the flow; empty when enforced or allowed anyway. */
  wouldBeDeniedBy: string[];
}

function policyName(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/** evaluateFlow as the lab's plugin applies it: on a non-enforcing plugin everything passes. */
export function evaluateFlowWithPlugin(world: NetpolWorld | NetpolIndex, flow: Flow, plugin: string): PluginFlowVerdict {
  const verdict = evaluateFlow(world, flow);
  if (enforcesNetworkPolicy(plugin) || verdict.allowed) {
    return { ...verdict, plugin, enforced: enforcesNetworkPolicy(plugin), wouldBeDeniedBy: [] };
  }
  const denying = [verdict.egress, verdict.ingress].filter((d) => !d.allowed).flatMap((d) => d.policies);
  const wouldBeDeniedBy = [...new Set(denying.map(policyName))];
  return {
    ...verdict,
    allowed: true,
    plugin,
    enforced: false,
    wouldBeDeniedBy,
    explanation:
      `Allowed: ${plugin} does not enforce NetworkPolicy; ` +
      `would be denied by ${wouldBeDeniedBy.join(', ')} if the CNI enforced NetworkPolicy.`,
  };
}

/** The warning the API answers with when a policy is applied on a plugin that ignores it; null otherwise. */
export function policyWarning(plugin: string, policy: string): string | null {
  if (enforcesNetworkPolicy(plugin)) return null;
  return `the ${plugin} CNI plugin does not enforce NetworkPolicy: networkpolicy "${policy}" is stored but has no effect on traffic`;
}
