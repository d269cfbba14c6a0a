import { clusterSpecSchema, type ClusterSpecInput } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../../cluster/types';
import { initialState } from '../../model/state';

/** Hand-built lab states for the view tests (the model builds them for real). */
export function labFixture(cluster: ClusterSpecInput = {}): LabState {
  return { ...initialState(), name: 'fixture', cluster: clusterSpecSchema.parse(cluster) };
}

export function addNode(state: LabState, node: Pick<NodeState, 'name' | 'ip' | 'podCIDR' | 'createdAt'> & Partial<NodeState>): NodeState {
  const full: NodeState = {
    role: 'worker',
    mac: '02:42:c0:a8:31:02',
    nextIfIndex: 10,
    lastReservedIP: '',
    allocated: new Map(),
    network: state.cluster.nodeNetwork,
    dockerMac: '02:42:5c:1e:00:01',
    ifIndex: { eth0: 3, eth0Peer: 2, docker0: 2, vtep: 4 },
    pods: new Set(),
    nextNetnsId: 1,
    cniLog: [],
    ...node,
  };
  state.nodes.set(full.name, full);
  return full;
}

export function addPod(state: LabState, pod: Pick<PodState, 'namespace' | 'name' | 'node' | 'ip' | 'createdAt'> & Partial<PodState>): PodState {
  const full: PodState = {
    uid: `uid-${pod.namespace}-${pod.name}`,
    labels: {},
    annotations: {},
    hostNetwork: false,
    phase: 'Running',
    containers: [{ name: pod.name, image: 'busybox', ports: [] }],
    restarts: 0,
    ...pod,
  };
  state.pods.set(`${full.namespace}/${full.name}`, full);
  return full;
}
