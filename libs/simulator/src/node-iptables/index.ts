export { nodeTables, nodeSimulation } from './node-tables';
export { runNodeIptables, nodeIptablesSave, type IptablesRun } from './run-iptables';
export { controllerOccurrences, type ControllerOccurrence, type EndpointsUpdated } from './occurrences';
export type { KubeProxySynced, NodeSimulation } from './simulate-node';
export { explainIptablesRecovery } from './explain';
export { cloneNetfilter } from './clone';
export { clusterServices, kubeProxyConfig } from './kube-proxy-input';
export { countPacket, countPolicy } from './count-packet';
