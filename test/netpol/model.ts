/**
 * The upstream e2e "model" (test/e2e/network/netpol/model.go): namespaces x, y, z labelled
 * ns=<name> (plus kubernetes.io/metadata.name), pods a, b, c labelled pod=<name>, each serving
 * ports 80 and 81 over TCP, UDP and SCTP from containers cont-<port>-<proto> with container ports
 * named serve-<port>-<proto>. Policies go through validation and defaulting as the API server does.
 */
import {
  connectivityMatrix,
  defaultNetworkPolicy,
  indexWorld,
  validateNetworkPolicy,
  type NetpolNamespace,
  type NetpolPod,
  type NetworkPolicy,
  type NetworkPolicySpec,
  type Protocol,
} from '@hoplab/simulator/netpol';

export const namespaceNames = ['x', 'y', 'z'] as const;
export const podNames = ['a', 'b', 'c'] as const;
const protocols: Protocol[] = ['TCP', 'UDP', 'SCTP'];

export class ModelLab {
  readonly namespaces = new Map<string, NetpolNamespace>();
  readonly pods = new Map<string, NetpolPod>();
  readonly policies: NetworkPolicy[] = [];

  constructor() {
    namespaceNames.forEach((ns, n) => {
      this.namespaces.set(ns, { name: ns, labels: { ns, 'kubernetes.io/metadata.name': ns } });
      podNames.forEach((name, p) => {
        this.pods.set(`${ns}/${name}`, {
          namespace: ns,
          name,
          labels: { pod: name },
          ip: `10.244.${n + 1}.${p + 10}`,
          containers: [80, 81].flatMap((port) =>
            protocols.map((protocol) => {
              const suffix = `${port}-${protocol.toLowerCase()}`;
              return { name: `cont-${suffix}`, ports: [{ name: `serve-${suffix}`, containerPort: port, protocol }] };
            }),
          ),
        });
      });
    });
  }

  pod(key: string): NetpolPod {
    const pod = this.pods.get(key);
    if (!pod) throw new Error(`no pod ${key}`);
    return pod;
  }

  allPodStrings(): string[] {
    return [...this.pods.keys()];
  }

  /** Create, or replace when a policy of that name exists (kubectl apply). */
  apply(namespace: string, name: string, spec: NetworkPolicySpec): void {
    const policy: NetworkPolicy = { metadata: { name, namespace }, spec };
    const defaulted = defaultNetworkPolicy(policy);
    const errors = validateNetworkPolicy(defaulted);
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
    const existing = this.policies.findIndex((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (existing >= 0) this.policies[existing] = defaulted;
    else this.policies.push(defaulted);
  }

  delete(namespace: string, name: string): void {
    const existing = this.policies.findIndex((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (existing < 0) throw new Error(`no policy ${namespace}/${name}`);
    this.policies.splice(existing, 1);
  }

  deleteAll(): void {
    this.policies.length = 0;
  }

  labelNamespace(namespace: string, labels: Record<string, string>): void {
    const ns = this.namespaces.get(namespace)!;
    ns.labels = { ...ns.labels, ...labels };
  }

  labelPod(key: string, labels: Record<string, string>): void {
    const pod = this.pod(key);
    pod.labels = { ...pod.labels, ...labels };
  }

  matrix(port: number, protocol: Protocol) {
    const world = { namespaces: this.namespaces, pods: this.pods, policies: this.policies };
    return connectivityMatrix(indexWorld(world), this.allPodStrings(), port, protocol);
  }
}
