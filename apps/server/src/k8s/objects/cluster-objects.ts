import type { NodeState } from '@hoplab/simulator';
import { daemonSets, kubeFlannelConfigMap, nodeLabels, nodeSoftware } from '@hoplab/simulator/views';
import { daemonSetPodSpec } from './daemonset-templates';
import { metadata, timestamp, type KubeObject, type RenderContext } from './render-context';

export function renderNode(ctx: RenderContext, node: NodeState): KubeObject {
  const software = nodeSoftware(ctx.state.cluster);
  const since = timestamp(ctx, node.createdAt);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: since, lastTransitionTime: since, reason, message });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: metadata(ctx, 'Node', { name: node.name, createdAt: node.createdAt, labels: nodeLabels(node), annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } }),
    spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] },
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '61202244Ki', memory: '8025424Ki', pods: '110' },
      allocatable: { cpu: '4', 'ephemeral-storage': '61202244Ki', memory: '8025424Ki', pods: '110' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        kernelVersion: software.kernelVersion,
        osImage: software.osImage,
        containerRuntimeVersion: software.containerRuntimeVersion,
        kubeletVersion: software.kubeletVersion,
        kubeProxyVersion: software.kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export function renderNamespaces(ctx: RenderContext): KubeObject[] {
  return [...ctx.state.namespaces.values()].map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: metadata(ctx, 'Namespace', { name: ns.name, createdAt: ns.createdAt, labels: { 'kubernetes.io/metadata.name': ns.name, ...ns.labels } }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }));
}

/** DaemonSets as the views derive them from the pods they own. */
export function renderDaemonSets(ctx: RenderContext): KubeObject[] {
  const desired = ctx.state.nodes.size;
  return daemonSets(ctx.state).map((ds) => {
    const template = ds.pods[0];
    const selector = Object.fromEntries(Object.entries(template.labels).filter(([key]) => key !== 'controller-revision-hash' && key !== 'pod-template-generation'));
    const ready = ds.pods.filter((p) => p.phase === 'Running').length;
    return {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { ...metadata(ctx, 'DaemonSet', { name: ds.name, namespace: ds.namespace, createdAt: Math.min(...ds.pods.map((p) => p.createdAt)), labels: selector, annotations: { 'deprecated.daemonset.template.generation': '1' } }), generation: 1 },
      spec: {
        selector: { matchLabels: selector },
        template: {
          metadata: { creationTimestamp: null, labels: selector },
          spec: daemonSetPodSpec(ds.namespace, ds.name, {
            containers: template.containers.map((c) => ({ name: c.name, image: c.image, resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' })),
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            hostNetwork: template.hostNetwork || undefined,
            securityContext: {},
            schedulerName: 'default-scheduler',
          }),
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: ds.pods.length, numberMisscheduled: 0, desiredNumberScheduled: desired, numberReady: ready, observedGeneration: 1, updatedNumberScheduled: ds.pods.length, numberAvailable: ready },
    };
  });
}

/** The config maps the lab knows: kube-flannel-cfg on flannel clusters, kube-root-ca.crt nowhere yet. */
export function renderConfigMaps(ctx: RenderContext): KubeObject[] {
  if (ctx.state.cluster.cni.plugin !== 'flannel' || !ctx.state.namespaces.has('kube-flannel')) return [];
  const cm = kubeFlannelConfigMap(ctx.state.cluster);
  const createdAt = ctx.state.namespaces.get('kube-flannel')!.createdAt;
  return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(ctx, 'ConfigMap', { ...cm, createdAt }), data: cm.data }];
}
