export { nodeTables, nodeSimulation } from './node-tables';
export { runNodeIptables, nodeIptablesSave, type IptablesRun, type IptablesSaveOptions } from './run-iptables';
export { controllerOccurrences, type ControllerOccurrence, type EndpointsUpdated, type IptablesRecovery } from './occurrences';
export { KUBELET_MONITOR_PERIOD_MS, type KubeProxySynced, type KubeletResynced, type NodeSimulation } from './simulate-node';
export { explainIptablesRecovery } from './explain';
export { cloneNetfilter } from './clone';
export { clusterServices, kubeProxyConfig, sharedServiceRules } from './kube-proxy-input';
export { countPacket, countPolicy, countTracedPackets, type CountedPacket } from './count-packet';
