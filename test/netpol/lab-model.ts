/**
 * The conformance model (test/netpol/model.ts) as a HopLab lab of a given CNI: namespaces x, y, z on
 * three nodes (x on minikube, y on minikube-m02, z on minikube-m03), the nine pods created through
 * the lab's commands, policies applied with applyNetworkPolicy. Reachability between two pods is
 * what the plugin's datapath decides (`reachable`), on a copy of the lab with the model's current
 * labels and policies.
 */
import type { ClusterSpecInput } from '@hoplab/events';
import type { LabState, PodState } from '@hoplab/simulator';
import { applyCommand, fromSnapshot, initialState, toSnapshot } from '@hoplab/simulator';
import type { Protocol } from '@hoplab/simulator/netpol';
import type { ModelLab } from './model';

const nodeOf: Record<string, string> = { x: 'minikube', y: 'minikube-m02', z: 'minikube-m03' };

/** Decides one pod-to-pod connection on the lab as it is (the model's policies applied). */
export type Reachable = (state: LabState, from: PodState, to: PodState, port: number, protocol: Protocol) => boolean;

/** Per matrix: what the plugin derives once from the lab (its chains, its maps), then the decision per pair. */
export type Datapath = (state: LabState) => Reachable;

export function labModel(Base: typeof ModelLab, cni: ClusterSpecInput['cni'], datapath: Datapath): typeof ModelLab {
  return class LabModel extends Base {
    private readonly base: LabState;

    constructor() {
      super();
      const state = initialState();
      applyCommand(state, { type: 'createLab', name: 'netpol-conformance', cluster: { cni } });
      for (let i = 0; i < 3; i++) applyCommand(state, { type: 'addNode' });
      for (const ns of this.namespaces.values()) {
        applyCommand(state, { type: 'createNamespace', name: ns.name, labels: Object.fromEntries(Object.entries(ns.labels).filter(([key]) => key !== 'kubernetes.io/metadata.name')) });
      }
      for (const pod of this.pods.values()) {
        applyCommand(state, {
          type: 'createPod',
          namespace: pod.namespace,
          name: pod.name,
          labels: pod.labels,
          nodeName: nodeOf[pod.namespace],
          containers: pod.containers.map((container, i) => ({ name: (container as { name?: string }).name ?? `c${i}`, image: 'registry.k8s.io/e2e-test-images/agnhost:2.47', ports: container.ports })),
        });
        // The tests build ipBlocks from these addresses: they are the lab's.
        pod.ip = state.pods.get(`${pod.namespace}/${pod.name}`)!.ip;
      }
      this.base = state;
    }

    override matrix(port: number, protocol: Protocol) {
      const state = fromSnapshot(toSnapshot(this.base));
      // kubectl label: the model's current labels.
      for (const ns of this.namespaces.values()) state.namespaces.get(ns.name)!.labels = { ...ns.labels };
      for (const [key, pod] of this.pods) state.pods.get(key)!.labels = { ...pod.labels };
      for (const policy of this.policies) applyCommand(state, { type: 'applyNetworkPolicy', policy });
      const reachable = datapath(state);
      const pods = this.allPodStrings();
      const matrix = pods.map((fromKey) => pods.map((toKey) => fromKey === toKey || reachable(state, state.pods.get(fromKey)!, state.pods.get(toKey)!, port, protocol)));
      return { pods, matrix };
    }
  };
}
