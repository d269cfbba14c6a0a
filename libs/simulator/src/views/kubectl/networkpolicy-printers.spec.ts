import type { LabState } from '../../cluster/types';
import { applyCommand } from '../../model/apply';
import { initialState } from '../../model/state';
import type { NetworkPolicy } from '../../netpol/types';
import { kubectlDescribeNetworkPolicy } from './describe-networkpolicy';
import { formatLabelSelector } from './format-label-selector';
import { kubectlGetNetworkPolicies } from './get-networkpolicies';

function lab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster: { cni: { plugin: 'calico' } } });
  applyCommand(state, { type: 'createNamespace', name: 'x' });
  return state;
}

const denyAll: NetworkPolicy = { metadata: { name: 'default-deny', namespace: 'default' }, spec: { podSelector: {} } };
const allowApp: NetworkPolicy = {
  metadata: { name: 'db-allow-app', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'database' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
  },
};

describe('formatLabelSelector', () => {
  it('sorts requirements by key and spells each operator as labels.Selector does', () => {
    expect(formatLabelSelector({})).toBe('<none>');
    expect(
      formatLabelSelector({
        matchLabels: { tier: 'db' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'zone', operator: 'DoesNotExist' },
          { key: 'app', operator: 'Exists' },
          { key: 'team', operator: 'NotIn', values: ['b'] },
        ],
      }),
    ).toBe('app,env in (dev,prod),team notin (b),tier=db,!zone');
  });
});

describe('kubectl get networkpolicy', () => {
  it('says none found in the namespace when empty (the reference transcript)', () => {
    expect(kubectlGetNetworkPolicies(lab())).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
  });

  it('lists NAME, POD-SELECTOR and AGE in storage order, with NAMESPACE under -A', () => {
    const state = lab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: allowApp }, 0);
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll }, 60_000);
    applyCommand(state, { type: 'applyNetworkPolicy', policy: { ...denyAll, metadata: { name: 'a', namespace: 'x' } } }, 60_000);
    expect(kubectlGetNetworkPolicies(state, { now: 300_000 }).stdout).toBe(
      'NAME           POD-SELECTOR   AGE\n' + 'db-allow-app   app=database   5m\n' + 'default-deny   <none>         4m\n',
    );
    expect(kubectlGetNetworkPolicies(state, { allNamespaces: true, now: 300_000 }).stdout).toBe(
      'NAMESPACE   NAME           POD-SELECTOR   AGE\n' +
        'default     db-allow-app   app=database   5m\n' +
        'default     default-deny   <none>         4m\n' +
        'x           a              <none>         4m\n',
    );
  });
});

describe('kubectl describe networkpolicy', () => {
  it('prints the NetworkPolicyDescriber layout for an allow rule and for deny-all', () => {
    const state = lab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: allowApp }, 5000);
    applyCommand(state, { type: 'applyNetworkPolicy', policy: { ...denyAll, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } } }, 5000);
    const labStartedAt = Date.UTC(2026, 10, 22, 15, 41, 20);
    expect(kubectlDescribeNetworkPolicy(state, 'db-allow-app', 'default', { labStartedAt }).stdout).toBe(
      [
        'Name:         db-allow-app',
        'Namespace:    default',
        'Created on:   2026-11-22 15:41:25 +0000 UTC',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     app=database',
        '  Allowing ingress traffic:',
        '    To Port: 5432/TCP',
        '    From:',
        '      PodSelector: app=app',
        '  Not affecting egress traffic',
        '  Policy Types: Ingress',
        '',
      ].join('\n'),
    );
    expect(kubectlDescribeNetworkPolicy(state, 'default-deny').stdout).toContain(
      [
        '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
        '  Allowing ingress traffic:',
        '    <none> (Selected pods are isolated for ingress connectivity)',
        '  Allowing egress traffic:',
        '    <none> (Selected pods are isolated for egress connectivity)',
        '  Policy Types: Ingress, Egress',
      ].join('\n'),
    );
    expect(kubectlDescribeNetworkPolicy(state, 'nope')).toEqual({
      stdout: '',
      stderr: 'Error from server (NotFound): networkpolicies.networking.k8s.io "nope" not found\n',
      exitCode: 1,
    });
  });
});
