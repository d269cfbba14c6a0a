import type { EndpointInput, KubeProxyInput, KubeProxyVersion, ServiceInput } from '../types';

const ep = (ip: string, port: number, nodeName: string, ready = true): EndpointInput => ({
  ip, port, nodeName, ready, serving: ready, terminating: false,
});

/**
 * A minikube-like node with the seed's addressing (pods 10.10.128.0/16, services 10.20.0.0/16):
 * kubernetes, kube-dns, a 3-replica NodePort web, a ClientIP-affinity api, an eTP=Local NodePort
 * and a service without endpoints.
 */
export function sampleNodeInput(version: KubeProxyVersion): KubeProxyInput {
  const services: ServiceInput[] = [
    { namespace: 'default', name: 'kubernetes', type: 'ClusterIP', clusterIP: '10.20.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }] },
    {
      namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.20.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
    { namespace: 'default', name: 'web', type: 'NodePort', clusterIP: '10.20.15.7', ports: [{ name: '', port: 80, protocol: 'TCP', nodePort: 30080, targetPort: 8080 }] },
    { namespace: 'default', name: 'api', type: 'ClusterIP', clusterIP: '10.20.40.2', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }] },
    {
      namespace: 'shop', name: 'front', type: 'NodePort', clusterIP: '10.20.33.3', externalTrafficPolicy: 'Local',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 31000, targetPort: 'http' }],
    },
    { namespace: 'default', name: 'empty', type: 'NodePort', clusterIP: '10.20.9.9', ports: [{ name: '', port: 80, protocol: 'TCP', nodePort: 30999, targetPort: 80 }] },
  ];
  const endpoints = new Map<string, EndpointInput[]>([
    ['default/kubernetes:https', [ep('10.0.0.2', 8443, 'node1')]],
    ['kube-system/kube-dns:dns', [ep('10.10.128.3', 53, 'node1'), ep('10.10.129.2', 53, 'node2')]],
    ['kube-system/kube-dns:dns-tcp', [ep('10.10.128.3', 53, 'node1'), ep('10.10.129.2', 53, 'node2')]],
    ['kube-system/kube-dns:metrics', [ep('10.10.128.3', 9153, 'node1'), ep('10.10.129.2', 9153, 'node2')]],
    ['default/web', [ep('10.10.129.5', 8080, 'node2'), ep('10.10.128.10', 8080, 'node1'), ep('10.10.130.4', 8080, 'node3'), ep('10.10.128.9', 8080, 'node1', false)]],
    ['default/api:http', [ep('10.10.130.7', 8080, 'node3'), ep('10.10.128.7', 8080, 'node1')]],
    ['shop/front:http', [ep('10.10.129.8', 80, 'node2'), ep('10.10.128.8', 80, 'node1')]],
  ]);
  return {
    node: { name: 'node1', ip: '10.0.0.2' },
    cluster: { podCIDR: '10.10.128.0/24', clusterCIDR: '10.10.128.0/16' },
    version,
    services,
    endpoints,
  };
}
