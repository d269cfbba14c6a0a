import type { ClusterSpec } from '@hoplab/events';
import { kubernetesVersion } from '../../cluster/system-pods';
import type { Iproute2Layout } from './link-lines';

/** The iproute2 inside the lab's minikube nodes: Ubuntu 20.04's for the seed's v1.26.3, Debian 12's after. */
export function iproute2Layout(cluster: ClusterSpec): Iproute2Layout {
  return kubernetesVersion(cluster) === 'v1.26.3' ? '5.5' : '6.1';
}
