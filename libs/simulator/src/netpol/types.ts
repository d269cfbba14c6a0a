/** networking.k8s.io/v1 NetworkPolicy as applied, and the engine's explicit inputs and outputs. */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type PolicyType = 'Ingress' | 'Egress';
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  /** A number, or the name of a container port on the destination pod. */
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy {
  apiVersion?: string;
  kind?: string;
  /** annotations: kept for kubectl apply's last-applied-configuration (re-applying unchanged prints `unchanged`). */
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: NetworkPolicySpec;
}

/** What the engine reads of a pod; the simulator's PodState satisfies it. */
export interface NetpolPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  /** hostNetwork pods carry the node's address and are never selected by a policy. */
  hostNetwork?: boolean;
  containers: { ports: { name?: string; containerPort: number; protocol: Protocol }[] }[];
}

/** What the engine reads of a namespace; the simulator's NamespaceState satisfies it. */
export interface NetpolNamespace {
  name: string;
  labels: Record<string, string>;
}

export interface NetpolWorld {
  namespaces: ReadonlyMap<string, NetpolNamespace> | readonly NetpolNamespace[];
  pods: ReadonlyMap<string, NetpolPod> | readonly NetpolPod[];
  policies: readonly NetworkPolicy[];
}

/** A pod, or an address outside the pod network (a node, the internet). */
export type FlowEndpoint = NetpolPod | { ip: string };

export interface Flow {
  source: FlowEndpoint;
  /** A pod after Service DNAT, or an external address. */
  destination: FlowEndpoint;
  port: number;
  protocol: Protocol;
}

export interface RuleMatch {
  /** "namespace/name" of the policy. */
  policy: string;
  ruleIndex: number;
  /** Index in from/to of the peer that matched; null when the rule has no peers (all peers). */
  peerIndex: number | null;
}

export interface DirectionVerdict {
  /** False when that end is not a pod (no policy can apply there). */
  applicable: boolean;
  isolated: boolean;
  /** "namespace/name" of every policy that selects the pod for this direction. */
  policies: string[];
  allowedBy: RuleMatch[];
  allowed: boolean;
}

export interface FlowVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  explanation: string;
}
