import { invalidObjectMessage } from './field-error';
import { validateNetworkPolicy } from './validation';
import type { NetworkPolicy, NetworkPolicySpec } from './types';

function policy(spec: Partial<NetworkPolicySpec>, metadata: Partial<NetworkPolicy['metadata']> = {}): NetworkPolicy {
  return {
    metadata: { name: 'np', namespace: 'default', ...metadata },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ...spec },
  };
}
const messages = (p: NetworkPolicy) => validateNetworkPolicy(p).map((e) => e.message);

describe('validateNetworkPolicy', () => {
  it('accepts the seed policy and an allow-all', () => {
    expect(
      messages(
        policy({
          podSelector: { matchLabels: { app: 'database' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
        }),
      ),
    ).toEqual([]);
    expect(messages(policy({ ingress: [{}] }))).toEqual([]);
  });

  it('requires a peer to name something', () => {
    const errors = validateNetworkPolicy(policy({ ingress: [{ from: [{}] }] }));
    expect(errors).toEqual([
      {
        path: 'spec.ingress[0].from[0]',
        type: 'FieldValueRequired',
        body: 'Required value: must specify a peer',
        message: 'spec.ingress[0].from[0]: Required value: must specify a peer',
      },
    ]);
    expect(messages(policy({ egress: [{ to: [{ podSelector: {} }, {}] }], policyTypes: ['Egress'] }))).toEqual([
      'spec.egress[0].to[1]: Required value: must specify a peer',
    ]);
  });

  it('forbids ipBlock together with a selector', () => {
    expect(messages(policy({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }))).toEqual([
      'spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer',
    ]);
  });

  it('checks endPort against port', () => {
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', endPort: 90 }] }] }))).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified',
    ]);
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: 100, endPort: 90 }] }] }))).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: must be greater than or equal to `port`',
    ]);
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: 'http', endPort: 90 }] }] }))).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
    ]);
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 70000 }] }] }))).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });

  it('checks port numbers and names', () => {
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: 0 }] }] }))).toEqual([
      'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: '8080' }] }] }))).toEqual([
      'spec.ingress[0].ports[0].port: Invalid value: "8080": must contain at least one letter (a-z)',
    ]);
    expect(messages(policy({ ingress: [{ ports: [{ protocol: 'TCP', port: '-Web--server-name' }] }] }))).toEqual([
      'spec.ingress[0].ports[0].port: Invalid value: "-Web--server-name": must be no more than 15 characters',
      'spec.ingress[0].ports[0].port: Invalid value: "-Web--server-name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[0].port: Invalid value: "-Web--server-name": must not contain consecutive hyphens',
      'spec.ingress[0].ports[0].port: Invalid value: "-Web--server-name": must not begin or end with a hyphen',
    ]);
  });

  it('rejects an unknown protocol', () => {
    const p = policy({ ingress: [{ ports: [{ protocol: 'ICMP' as never, port: 80 }] }] });
    expect(messages(p)).toEqual([
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    ]);
  });

  it('checks CIDRs and excepts', () => {
    const peer = (cidr: string, except?: string[]) => policy({ ingress: [{ from: [{ ipBlock: { cidr, except } }] }] });
    expect(messages(peer(''))).toEqual(['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
    expect(messages(peer('10.0.0.0/33'))).toEqual([
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(messages(peer('10.0.0.0'))).toHaveLength(1);
    expect(messages(peer('10.0.0.0/8', ['11.0.0.0/16', '10.0.0.0/8', '10.1.0.0/16', 'nope']))).toEqual([
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[3]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    // Host bits, as the upstream e2e "<podIP>/4", and IPv6 are accepted (legacy, non-strict parsing).
    expect(messages(peer('10.244.1.10/4', ['10.244.1.11/32']))).toEqual([]);
    expect(messages(peer('2001:db8::/32', ['2001:db8:1::/48']))).toEqual([]);
    expect(messages(peer('2001:db8::/32', ['10.0.0.0/8']))).toHaveLength(1);
  });

  it('checks label selectors', () => {
    const from = [
      {
        podSelector: {
          matchLabels: { 'bad key!': 'ok' },
          matchExpressions: [
            { key: 'a', operator: 'In' as const, values: [] },
            { key: 'b', operator: 'Exists' as const, values: ['x'] },
            { key: 'c', operator: 'Near' as never },
            { key: 'd', operator: 'In' as const, values: ['-bad-'] },
          ],
        },
      },
    ];
    expect(messages(policy({ ingress: [{ from }] }))).toEqual([
      "spec.ingress[0].from[0].podSelector.matchLabels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.ingress[0].from[0].podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.ingress[0].from[0].podSelector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
      "spec.ingress[0].from[0].podSelector.matchExpressions[3].values[0]: Invalid value: \"-bad-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('checks policyTypes', () => {
    expect(messages(policy({ policyTypes: ['Ingress', 'Sideways' as never] }))).toEqual([
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
    expect(messages(policy({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }))).toEqual([
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
    ]);
  });

  it('checks the name and namespace', () => {
    expect(messages(policy({}, { name: '' }))).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(messages(policy({}, { name: 'Deny_All' }))).toEqual([
      "metadata.name: Invalid value: \"Deny_All\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(messages(policy({}, { namespace: '' }))).toEqual(['metadata.namespace: Required value']);
  });

  it('renders the 422 message with one error or a list', () => {
    const one = validateNetworkPolicy(policy({ ingress: [{ from: [{}] }] }));
    expect(invalidObjectMessage('np', one)).toBe(
      'NetworkPolicy.networking.k8s.io "np" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer',
    );
    const two = validateNetworkPolicy(policy({ ingress: [{ from: [{}, {}] }] }));
    expect(invalidObjectMessage('np', two)).toBe(
      'NetworkPolicy.networking.k8s.io "np" is invalid: [spec.ingress[0].from[0]: Required value: must specify a peer, spec.ingress[0].from[1]: Required value: must specify a peer]',
    );
  });
});
