/** A NetworkPolicy (networking.k8s.io/v1, as applied) in short: whom it selects and what each direction allows. */

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicyObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

export interface PolicySummary {
  key: string;
  /** The pod selector as kubectl prints it; empty: every pod of the namespace. */
  selects: string;
  directions: { direction: 'Ingress' | 'Egress'; rules: { peers: string[]; ports: string[] }[] }[];
}

/** Plugins that store NetworkPolicy and ignore it (flannel, the bridge plugin), as in real life. */
export function enforcesPolicy(plugin: string): boolean {
  return ['calico', 'cilium', 'weave'].includes(plugin);
}

export function selectorText(selector: LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  const expressions = (selector?.matchExpressions ?? []).map((expression) => {
    const values = expression.values?.length ? ` (${expression.values.join(',')})` : '';
    switch (expression.operator) {
      case 'In':
        return `${expression.key} in${values}`;
      case 'NotIn':
        return `${expression.key} notin${values}`;
      case 'DoesNotExist':
        return `!${expression.key}`;
      default:
        return expression.key;
    }
  });
  return [...labels, ...expressions].join(',');
}

function peerText(peer: Peer): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const pods = peer.podSelector ? `pods ${selectorText(peer.podSelector) || '*'}` : '';
  const namespaces = peer.namespaceSelector ? `namespaces ${selectorText(peer.namespaceSelector) || '*'}` : '';
  return [pods, namespaces].filter(Boolean).join(' in ');
}

function portText(port: PolicyPort): string {
  const protocol = port.protocol ?? 'TCP';
  if (port.port === undefined) return `${protocol}/*`;
  return `${protocol}/${port.port}${port.endPort ? `-${port.endPort}` : ''}`;
}

/** policyTypes as the API server defaults them: Ingress always, Egress when the policy has egress rules. */
export function summarizePolicy(policy: NetworkPolicyObject): PolicySummary {
  const spec = policy.spec ?? {};
  const types = spec.policyTypes?.length ? spec.policyTypes : ['Ingress', ...(spec.egress ? ['Egress'] : [])];
  return {
    key: `${policy.metadata?.namespace ?? 'default'}/${policy.metadata?.name ?? ''}`,
    selects: selectorText(spec.podSelector),
    directions: (['Ingress', 'Egress'] as const)
      .filter((direction) => types.includes(direction))
      .map((direction) => ({
        direction,
        rules: (direction === 'Ingress' ? spec.ingress : spec.egress)?.map((rule) => ({
          peers: ((direction === 'Ingress' ? rule.from : rule.to) ?? []).map(peerText),
          ports: (rule.ports ?? []).map(portText),
        })) ?? [],
      })),
  };
}
