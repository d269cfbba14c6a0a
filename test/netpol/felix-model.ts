/**
 * The conformance model (test/netpol/model.ts) as a HopLab calico lab: namespaces x, y, z on three
 * nodes (x on minikube, y on minikube-m02, z on minikube-m03), the nine pods created through the
 * lab's commands, policies applied with applyNetworkPolicy. Reachability is what Felix's cali-*
 * chains of the nodes decide (cni/felix-chains.ts), walked by the datapath's netfilter evaluator:
 * the packet crosses cali-FORWARD of the source pod's node (egress, cali-fw-) and of the destination
 * pod's node (ingress, cali-tw-); both must accept.
 */
import type { LabState, PodState } from '@hoplab/simulator';
import { applyCommand, fromSnapshot, initialState, toSnapshot } from '@hoplab/simulator';
import { applyPluginChains } from '@hoplab/simulator/cni/plugin-chains';
import { flowDraws, runChain, type FilterPacket } from '@hoplab/simulator/datapath/netfilter-eval';
import { createNetfilter, type Netfilter } from '@hoplab/simulator/iptables';
import type { Protocol } from '@hoplab/simulator/netpol';
import type { ModelLab } from './model';

const nodeOf: Record<string, string> = { x: 'minikube', y: 'minikube-m02', z: 'minikube-m03' };

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) >>> 0;
}

export function felixModelLab(Base: typeof ModelLab): typeof ModelLab {
  return class FelixModelLab extends Base {
    private readonly base: LabState;

    constructor() {
      super();
      const state = initialState();
      applyCommand(state, { type: 'createLab', name: 'netpol-conformance', cluster: { cni: { plugin: 'calico', backend: 'bgp' } } });
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
      const tables = new Map<string, Netfilter>();
      for (const node of state.nodes.values()) {
        const netfilter = createNetfilter();
        applyPluginChains(netfilter, state, node);
        tables.set(node.name, netfilter);
      }
      const forward = (node: string, from: PodState, to: PodState, inInterface: string, outInterface: string) => {
        const netfilter = tables.get(node)!;
        const packet: FilterPacket = {
          src: toInt(from.ip),
          dst: toInt(to.ip),
          protocol: protocol.toLowerCase() as FilterPacket['protocol'],
          srcPort: 40000,
          dstPort: port,
          inInterface,
          outInterface,
          mark: 0,
          ctstates: ['NEW'],
          isLocal: () => false,
        };
        return runChain((table, chain) => netfilter[table].chains.get(chain), 'filter', 'FORWARD', packet, flowDraws(1)).verdict.kind;
      };
      const pods = this.allPodStrings();
      const matrix = pods.map((fromKey) =>
        pods.map((toKey) => {
          if (fromKey === toKey) return true;
          const [from, to] = [state.pods.get(fromKey)!, state.pods.get(toKey)!];
          if (from.node === to.node) return forward(from.node, from, to, from.vethName!, to.vethName!) === 'ACCEPT';
          return forward(from.node, from, to, from.vethName!, 'eth0') === 'ACCEPT' && forward(to.node, from, to, 'eth0', to.vethName!) === 'ACCEPT';
        }),
      );
      return { pods, matrix };
    }
  };
}
