import { createNetfilter } from '../iptables';
import type { Netfilter } from '../iptables';
import { applyKubeletChains, applyKubeProxySync, ensureKubeProxyCanaries } from './node-chains';
import { KubeProxyRuleBuilder } from './ruleset';
import type { KubeProxyInput } from './types';

/**
 * A node's tables once kubelet and kube-proxy have started: kubelet's chains, kube-proxy's canaries,
 * then its first (full) sync. Returns the builder so later syncs can be partial.
 */
export function bootNode(input: KubeProxyInput): { netfilter: Netfilter; builder: KubeProxyRuleBuilder } {
  const netfilter = createNetfilter();
  applyKubeletChains(netfilter);
  ensureKubeProxyCanaries(netfilter);
  const builder = new KubeProxyRuleBuilder(input.node, input.cluster, input.version);
  const applied = applyKubeProxySync(netfilter, builder.fullSync(input), input.version);
  if (!applied.restore.ok) throw new Error(`kube-proxy's first sync failed: ${applied.restore.stderr}`);
  return { netfilter, builder };
}
