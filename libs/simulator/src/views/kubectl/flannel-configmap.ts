import type { ClusterSpec } from '@hoplab/events';
import { kubernetesVersion } from '../../cluster/system-pods';

export interface FlannelConfigOptions {
  /**
   * flannel ≥ v0.25 writes `"EnableNFTables": false` into net-conf.json (the reference capture);
   * the seed's cluster (minikube v1.30, flannel v0.21) has no such key. Default: the flannel of
   * the lab's Kubernetes release.
   */
  enableNFTablesKey?: boolean;
}

export interface ConfigMapView {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

const cniConf = {
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
};

/** kube-flannel-cfg as kube-flannel.yml installs it, with minikube's templated Network and the lab's backend. */
export function kubeFlannelConfigMap(cluster: ClusterSpec, options: FlannelConfigOptions = {}): ConfigMapView {
  const enableNFTablesKey = options.enableNFTablesKey ?? kubernetesVersion(cluster) !== 'v1.26.3';
  const netConf = enableNFTablesKey
    ? { Network: cluster.podCIDR, EnableNFTables: false, Backend: { Type: cluster.cni.backend } }
    : { Network: cluster.podCIDR, Backend: { Type: cluster.cni.backend } };
  return {
    name: 'kube-flannel-cfg',
    namespace: 'kube-flannel',
    labels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
    annotations: {},
    data: {
      'cni-conf.json': JSON.stringify(cniConf, null, 2) + '\n',
      'net-conf.json': JSON.stringify(netConf, null, 2) + '\n',
    },
  };
}
