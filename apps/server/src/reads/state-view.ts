import { serviceEndpoints, type LabState } from '@hoplab/simulator';

/** GET /state: the lab as API.md shows it. */
export function stateView(state: LabState, time: number) {
  return {
    version: state.version,
    time,
    cluster: state.cluster,
    nodes: [...state.nodes.values()].map((node) => ({ name: node.name, ip: node.ip, podCIDR: node.podCIDR, role: node.role, ready: true })),
    namespaces: [...state.namespaces.values()].map((namespace) => ({ name: namespace.name, labels: namespace.labels })),
    pods: [...state.pods.values()].map((pod) => ({
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      node: pod.node,
      ip: pod.ip,
      phase: pod.phase,
      containers: pod.containers.map((container) => ({
        name: container.name,
        image: container.image,
        ports: container.ports.map((port) => ({ name: port.name ?? '', containerPort: port.containerPort, protocol: port.protocol })),
      })),
    })),
    routers: [...state.routers.values()],
    services: [...state.services.values()].map((service) => ({
      namespace: service.namespace,
      name: service.name,
      type: service.type,
      clusterIP: service.clusterIP,
      ports: service.ports.map((port) => ({ name: port.name, port: port.port, targetPort: port.targetPort, protocol: port.protocol, nodePort: port.nodePort })),
      endpoints: serviceEndpoints(state, service).flatMap((entry) => entry.addresses.map(({ address, port }) => `${address.ip}:${port}`)),
    })),
    networkPolicies: [...state.networkPolicies.values()].map((entry) => entry.policy),
  };
}
