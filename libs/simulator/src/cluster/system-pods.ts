import type { ClusterSpec, PodCreated } from '@hoplab/events';
import type { z } from 'zod';
import type { LabState } from './types';
import { KUBE_NAME_ALPHABET } from './names';
import type { Prng } from '../net/prng';
import { pluginSystemPods } from '../cni/plugin-system-pods';
import { kubeProxyReplaced } from '../cni/plugins';

type PodCreatedData = z.output<(typeof PodCreated)['schema']>;

/** The Kubernetes release minikube runs for the kube-proxy behaviour chosen (the seed ran 1.26.3). */
export function kubernetesVersion(cluster: ClusterSpec): 'v1.26.3' | 'v1.32.0' {
  return cluster.kubeProxy.version === '1.26' ? 'v1.26.3' : 'v1.32.0';
}

const images = {
  'v1.26.3': { etcd: 'registry.k8s.io/etcd:3.5.6-0', coredns: 'registry.k8s.io/coredns/coredns:v1.9.3' },
  'v1.32.0': { etcd: 'registry.k8s.io/etcd:3.5.16-0', coredns: 'registry.k8s.io/coredns/coredns:v1.11.3' },
} as const;

/**
 * The pods minikube (`minikube start --cni flannel`) runs on a node: kube-proxy and kube-flannel-ds
 * everywhere (hostNetwork: they show the node IP); on the control plane the static pods, coredns
 * (the only one on the pod network: it takes the node range's .2) and storage-provisioner.
 * coredns is listed separately: it needs a CNI ADD.
 */
export function systemPods(
  state: LabState,
  node: { name: string; role: 'control-plane' | 'worker' },
  prng: Prng,
  uid: () => string,
): { hostNetwork: PodCreatedData[]; coredns?: PodCreatedData; podNetwork: PodCreatedData[] } {
  const version = kubernetesVersion(state.cluster);
  const suffixed = (namespace: string, prefix: string, length = 5) => {
    for (;;) {
      const name = `${prefix}-${prng.pick(KUBE_NAME_ALPHABET, length)}`;
      if (!state.pods.has(`${namespace}/${name}`)) return name;
    }
  };
  const pod = (namespace: string, name: string, labels: Record<string, string>, containers: PodCreatedData['containers'], hostNetwork: boolean, owner?: { kind: string; name: string }): PodCreatedData => ({
    namespace,
    name,
    uid: uid(),
    labels,
    annotations: {},
    node: node.name,
    hostNetwork,
    containers,
    ...(owner ? { owner } : {}),
  });
  const container = (name: string, image: string, ports: PodCreatedData['containers'][number]['ports'] = []) => ({ name, image, ports });

  const hostNetwork: PodCreatedData[] = [];
  let coredns: PodCreatedData | undefined;
  if (node.role === 'control-plane') {
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const image = component === 'etcd' ? images[version].etcd : `registry.k8s.io/${component}:${version}`;
      hostNetwork.push(pod('kube-system', `${component}-${node.name}`, { component, tier: 'control-plane' }, [container(component, image)], true, { kind: 'Node', name: node.name }));
    }
  }
  // cilium's kube-proxy replacement: the cluster runs without kube-proxy (kubeadm's addon/kube-proxy phase skipped).
  if (!kubeProxyReplaced(state.cluster)) {
    hostNetwork.push(
      pod(
        'kube-system',
        suffixed('kube-system', 'kube-proxy'),
        { 'controller-revision-hash': revisionHash(state, 'kube-proxy'), 'k8s-app': 'kube-proxy', 'pod-template-generation': '1' },
        [container('kube-proxy', `registry.k8s.io/kube-proxy:${version}`)],
        true,
        { kind: 'DaemonSet', name: 'kube-proxy' },
      ),
    );
  }
  if (state.cluster.cni.plugin === 'flannel') {
    hostNetwork.push(
      pod(
        'kube-flannel',
        suffixed('kube-flannel', 'kube-flannel-ds'),
        { app: 'flannel', 'controller-revision-hash': revisionHash(state, 'kube-flannel-ds'), 'k8s-app': 'flannel', 'pod-template-generation': '1', tier: 'node' },
        [container('kube-flannel', 'ghcr.io/flannel-io/flannel:v0.28.9')],
        true,
        { kind: 'DaemonSet', name: 'kube-flannel-ds' },
      ),
    );
  }
  const plugin = pluginSystemPods(state, node, prng, uid);
  hostNetwork.push(...plugin.hostNetwork);
  if (node.role === 'control-plane' && !hasDns(state)) {
    const templateHash = prng.pick(KUBE_NAME_ALPHABET, 10);
    coredns = pod(
      'kube-system',
      suffixed('kube-system', `coredns-${templateHash}`),
      { 'k8s-app': 'kube-dns', 'pod-template-hash': templateHash },
      [
        container('coredns', images[version].coredns, [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
        ]),
      ],
      false,
      { kind: 'ReplicaSet', name: `coredns-${templateHash}` },
    );
    hostNetwork.push(
      pod(
        'kube-system',
        'storage-provisioner',
        { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'integration-test': 'storage-provisioner' },
        [container('storage-provisioner', 'gcr.io/k8s-minikube/storage-provisioner:v5')],
        true,
      ),
    );
  }
  return { hostNetwork, coredns, podNetwork: plugin.podNetwork };
}

function hasDns(state: LabState): boolean {
  for (const pod of state.pods.values()) if (pod.namespace === 'kube-system' && pod.labels['k8s-app'] === 'kube-dns') return true;
  return false;
}

/** A DaemonSet's controller-revision-hash: fixed per lab and DaemonSet (FNV-1a of both names). */
export function revisionHash(state: LabState, daemonSet: string): string {
  const text = `${state.name}/${daemonSet}`;
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}
