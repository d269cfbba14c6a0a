export * from './types';
export { servicePortName, servicePortHash, endpointChainName, endpointString } from './chain-names';
export { computeProbability, probability } from './probability';
export { sortEndpoints, categorizeEndpoints } from './endpoints';
export { buildServicePortRules, MASQUERADE_MARK } from './service-rules';
export type { ServicePortRules, RuleContext, ChainRules } from './service-rules';
export { applyWrites, restoreText } from './apply-writes';
export { KubeProxyRuleBuilder, buildFullRestore, LARGE_CLUSTER_ENDPOINTS_THRESHOLD } from './ruleset';
export type { ServiceChange, SyncOutput, TableWrite, ExistingChains } from './ruleset';
export { SharedServiceRules } from './shared-service-rules';
export {
  applyKubeletChains, ensureKubeProxyCanaries, ensureJumpRules, applyKubeProxySync, natChainNames, ensureChain,
  KUBE_PROXY_CANARY, KUBELET_CANARY,
} from './node-chains';
export type { AppliedSync } from './node-chains';
export { nextSync, afterSync, HOURLY_SYNC_MS, CANARY_SETTLE_MS } from './sync-policy';
export type { SyncLoopState, NextSync, SyncReason } from './sync-policy';
export { explainNextSync, formatLabTime } from './explain';
export { bootNode } from './boot-node';
