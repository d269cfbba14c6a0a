import type { ClusterSpec } from '@hoplab/events';
import { kubernetesVersion } from '../../cluster/system-pods';

/** What a node's status.nodeInfo reports: the VERSION column and the `-o wide` software columns. */
export interface NodeSoftware {
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
}

/**
 * The seed's cluster: Kubernetes v1.26.3 is minikube v1.30.x's default, whose kicbase is Ubuntu 20.04
 * with Docker 23.0.2; the seed was taken on a Mac, so the kernel is Docker Desktop's linuxkit.
 * Only the version is shown in the seed; the other three fields are inferred from those releases.
 */
export const seedNodeSoftware: NodeSoftware = {
  kubeletVersion: 'v1.26.3',
  osImage: 'Ubuntu 20.04.5 LTS',
  kernelVersion: '5.15.49-linuxkit',
  containerRuntimeVersion: 'docker://23.0.2',
};

/** The reference captures' cluster (reference/kubectl/data/object-node.json). */
export const referenceNodeSoftware: NodeSoftware = {
  kubeletVersion: 'v1.32.0',
  osImage: 'Ubuntu 22.04.5 LTS',
  kernelVersion: '6.8.0-48-generic',
  containerRuntimeVersion: 'docker://27.4.0',
};

/** The node software of the Kubernetes release the lab runs. */
export function nodeSoftware(cluster: ClusterSpec): NodeSoftware {
  return kubernetesVersion(cluster) === seedNodeSoftware.kubeletVersion ? seedNodeSoftware : referenceNodeSoftware;
}
