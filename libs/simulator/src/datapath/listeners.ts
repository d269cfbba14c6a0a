import type { LabState, NodeState, PodState } from '../cluster/types';
import type { TraceProtocol } from './types';

export interface Listener {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Who listens, for the hop's sentence: "nginx", "containerPort http", "kubelet". */
  by: string;
}

/** Where the stock images listen without being told (their Dockerfile EXPOSE / default config). */
const imageListeners: { match: RegExp; listeners: Omit<Listener, 'by'>[]; by: string }[] = [
  { match: /(^|\/)nginx(:|@|$)/, listeners: [{ port: 80, protocol: 'TCP' }], by: 'nginx' },
  { match: /(^|\/)httpd(:|@|$)/, listeners: [{ port: 80, protocol: 'TCP' }], by: 'httpd' },
  { match: /(^|\/)postgres(:|@|$)/, listeners: [{ port: 5432, protocol: 'TCP' }], by: 'postgres' },
  { match: /(^|\/)redis(:|@|$)/, listeners: [{ port: 6379, protocol: 'TCP' }], by: 'redis' },
  { match: /(^|\/)mysql(:|@|$)/, listeners: [{ port: 3306, protocol: 'TCP' }], by: 'mysqld' },
  {
    match: /(^|\/)coredns(:|@|$)/,
    listeners: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
      { port: 8181, protocol: 'TCP' },
      { port: 9153, protocol: 'TCP' },
    ],
    by: 'coredns',
  },
];

/**
 * What answers on a pod: its images' well-known ports (nginx 80, postgres 5432, redis 6379, ...;
 * netshoot and busybox run nothing that listens) plus every declared containerPort.
 */
export function podListeners(pod: PodState): Listener[] {
  const listeners: Listener[] = [];
  for (const container of pod.containers) {
    for (const known of imageListeners) {
      if (known.match.test(container.image)) listeners.push(...known.listeners.map((l) => ({ ...l, by: known.by })));
    }
    for (const port of container.ports) {
      listeners.push({ port: port.containerPort, protocol: port.protocol, by: `container ${container.name} port ${port.name ?? port.containerPort}` });
    }
  }
  return listeners;
}

/** A minikube node: sshd and the kubelet everywhere, the control plane on control-plane nodes, plus hostNetwork pods' ports. */
export function nodeListeners(state: LabState, node: NodeState): Listener[] {
  const listeners: Listener[] = [
    { port: 22, protocol: 'TCP', by: 'sshd' },
    { port: 10250, protocol: 'TCP', by: 'kubelet' },
    { port: 10256, protocol: 'TCP', by: 'kube-proxy (healthz)' },
  ];
  if (node.role === 'control-plane') {
    listeners.push(
      { port: 8443, protocol: 'TCP', by: 'kube-apiserver' },
      { port: 2379, protocol: 'TCP', by: 'etcd' },
      { port: 2380, protocol: 'TCP', by: 'etcd' },
    );
  }
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod?.hostNetwork) listeners.push(...podListeners(pod));
  }
  return listeners;
}

const ICMP_ECHO: Listener = { port: 0, protocol: 'TCP', by: 'the kernel (ICMP echo)' };

export function findListener(listeners: readonly Listener[], port: number | undefined, protocol: TraceProtocol): Listener | undefined {
  if (protocol === 'ICMP') return ICMP_ECHO;
  return listeners.find((l) => l.port === port && l.protocol === protocol);
}

/** findListener(podListeners(pod), port, protocol) without listing every listener of the pod (a trace asks once per delivery). */
export function podListener(pod: PodState, port: number | undefined, protocol: TraceProtocol): Listener | undefined {
  if (protocol === 'ICMP') return ICMP_ECHO;
  for (const container of pod.containers) {
    for (const known of imageListeners) {
      if (!known.match.test(container.image)) continue;
      const hit = known.listeners.find((l) => l.port === port && l.protocol === protocol);
      if (hit) return { ...hit, by: known.by };
    }
    const declared = container.ports.find((p) => p.containerPort === port && p.protocol === protocol);
    if (declared) return { port: declared.containerPort, protocol: declared.protocol, by: `container ${container.name} port ${declared.name ?? declared.containerPort}` };
  }
  return undefined;
}
