import type { PodCreated } from '@hoplab/events';
import type { z } from 'zod';
import type { LabState, PodState } from '../cluster/types';
import { KUBE_NAME_ALPHABET } from '../cluster/names';
import { revisionHash } from '../cluster/system-pods';
import type { Prng } from '../net/prng';

type PodCreatedData = z.output<(typeof PodCreated)['schema']>;

/**
 * The pods each plugin's manifest runs (all in kube-system): calico-node everywhere and
 * calico-kube-controllers (on the pod network) once; weave-net (weave + weave-npc, 2/2)
 * everywhere; cilium and cilium-envoy everywhere and cilium-operator (hostNetwork) once.
 * Images: calico v3.32.1 as minikube ships it; weave 2.8.1 (the last release); cilium INFER.
 */
const IMAGES = {
  calicoNode: 'quay.io/calico/node:v3.32.1',
  calicoControllers: 'quay.io/calico/kube-controllers:v3.32.1',
  weave: 'weaveworks/weave-kube:2.8.1',
  weaveNpc: 'weaveworks/weave-npc:2.8.1',
  cilium: 'quay.io/cilium/cilium:v1.17.6',
  ciliumEnvoy: 'quay.io/cilium/cilium-envoy:v1.33.4',
  ciliumOperator: 'quay.io/cilium/operator-generic:v1.17.6',
};

/** DaemonSets and Deployments of each plugin, to find (and replace) their pods on a plugin change. */
const OWNERS: Record<string, string[]> = {
  flannel: ['kube-flannel-ds'],
  calico: ['calico-node', 'calico-kube-controllers'],
  weave: ['weave-net'],
  cilium: ['cilium', 'cilium-envoy', 'cilium-operator'],
};

export function isPluginSystemPod(pod: PodState, plugin: string): boolean {
  const owner = pod.owner?.name;
  if (!owner) return false;
  return (OWNERS[plugin] ?? []).some((name) => owner === name || owner.startsWith(`${name}-`));
}

export function pluginSystemPods(
  state: LabState,
  node: { name: string; role: 'control-plane' | 'worker' },
  prng: Prng,
  uid: () => string,
  taken: Set<string> = new Set(),
  plugin: string = state.cluster.cni.plugin,
): { hostNetwork: PodCreatedData[]; podNetwork: PodCreatedData[] } {
  const hostNetwork: PodCreatedData[] = [];
  const podNetwork: PodCreatedData[] = [];
  const suffixed = (prefix: string) => {
    for (;;) {
      const name = `${prefix}-${prng.pick(KUBE_NAME_ALPHABET, 5)}`;
      if (!state.pods.has(`kube-system/${name}`) && !taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };
  const pod = (name: string, labels: Record<string, string>, containers: [string, string][], onHost: boolean, owner: { kind: string; name: string }): PodCreatedData => ({
    namespace: 'kube-system',
    name,
    uid: uid(),
    labels,
    annotations: {},
    node: node.name,
    hostNetwork: onHost,
    containers: containers.map(([name, image]) => ({ name, image, ports: [] })),
    owner,
  });
  const daemonPod = (ds: string, labels: Record<string, string>, containers: [string, string][]) =>
    pod(suffixed(ds), { ...labels, 'controller-revision-hash': revisionHash(state, ds), 'pod-template-generation': '1' }, containers, true, { kind: 'DaemonSet', name: ds });
  const deploymentPod = (deployment: string, labels: Record<string, string>, containers: [string, string][], onHost: boolean) => {
    const hash = prng.pick(KUBE_NAME_ALPHABET, 10);
    return pod(suffixed(`${deployment}-${hash}`), { ...labels, 'pod-template-hash': hash }, containers, onHost, { kind: 'ReplicaSet', name: `${deployment}-${hash}` });
  };
  const once = node.role === 'control-plane' && ![...state.pods.values()].some((existing) => existing.namespace === 'kube-system' && isPluginSystemPod(existing, plugin) && existing.owner?.kind === 'ReplicaSet');

  if (plugin === 'calico') {
    hostNetwork.push(daemonPod('calico-node', { 'k8s-app': 'calico-node' }, [['calico-node', IMAGES.calicoNode]]));
    if (once) podNetwork.push(deploymentPod('calico-kube-controllers', { 'k8s-app': 'calico-kube-controllers' }, [['calico-kube-controllers', IMAGES.calicoControllers]], false));
  } else if (plugin === 'weave') {
    hostNetwork.push(daemonPod('weave-net', { name: 'weave-net' }, [['weave', IMAGES.weave], ['weave-npc', IMAGES.weaveNpc]]));
  } else if (plugin === 'cilium') {
    hostNetwork.push(daemonPod('cilium', { 'k8s-app': 'cilium' }, [['cilium-agent', IMAGES.cilium]]));
    hostNetwork.push(daemonPod('cilium-envoy', { 'k8s-app': 'cilium-envoy', name: 'cilium-envoy' }, [['cilium-envoy', IMAGES.ciliumEnvoy]]));
    if (once) hostNetwork.push(deploymentPod('cilium-operator', { 'io.cilium/app': 'operator', name: 'cilium-operator' }, [['cilium-operator', IMAGES.ciliumOperator]], true));
  }
  return { hostNetwork, podNetwork };
}
