import { enforcesPolicy, selectorText, summarizePolicy } from './policy-view';

describe('summarizePolicy', () => {
  it('says whom a policy selects and what each direction allows, with policyTypes defaulted as the API server does', () => {
    expect(summarizePolicy({ metadata: { name: 'default-deny', namespace: 'default' }, spec: { podSelector: {} } })).toEqual({
      key: 'default/default-deny',
      selects: '',
      directions: [{ direction: 'Ingress', rules: [] }],
    });
    const allow = summarizePolicy({
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'database' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } }, namespaceSelector: { matchLabels: { team: 'a' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }, { protocol: 'UDP', port: 8000, endPort: 8100 }] }],
        egress: [{ to: [{ namespaceSelector: {} }] }],
      },
    });
    expect(allow).toEqual({
      key: 'shop/db',
      selects: 'app=database',
      directions: [
        { direction: 'Ingress', rules: [{ peers: ['pods app=app in namespaces team=a', 'ipBlock 10.0.0.0/8 except 10.1.0.0/16'], ports: ['TCP/5432', 'UDP/8000-8100'] }] },
        { direction: 'Egress', rules: [{ peers: ['namespaces *'], ports: [] }] },
      ],
    });
    expect(summarizePolicy({ metadata: { name: 'out' }, spec: { podSelector: {}, policyTypes: ['Egress'] } }).directions).toEqual([{ direction: 'Egress', rules: [] }]);
  });

  it('prints selectors as kubectl does and knows which plugins enforce policies', () => {
    expect(selectorText({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] })).toBe('app=web,tier in (a,b),!legacy');
    expect(['flannel', 'bridge', 'calico', 'weave', 'cilium'].map(enforcesPolicy)).toEqual([false, false, true, true, true]);
  });
});
