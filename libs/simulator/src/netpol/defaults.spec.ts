import { defaultNetworkPolicy } from './defaults';
import type { NetworkPolicy } from './types';

const base = (spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  metadata: { name: 'np', namespace: 'default' },
  spec: { podSelector: {}, ...spec },
});

describe('defaultNetworkPolicy', () => {
  it('infers Ingress alone when there are no egress rules', () => {
    expect(defaultNetworkPolicy(base({})).spec.policyTypes).toEqual(['Ingress']);
    expect(defaultNetworkPolicy(base({ egress: [] })).spec.policyTypes).toEqual(['Ingress']);
  });

  it('infers Ingress and Egress when egress rules are present', () => {
    expect(defaultNetworkPolicy(base({ egress: [{}] })).spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('keeps explicit policyTypes', () => {
    expect(defaultNetworkPolicy(base({ policyTypes: ['Egress'], ingress: [{}] })).spec.policyTypes).toEqual(['Egress']);
  });

  it('defaults every port protocol to TCP and leaves the input untouched', () => {
    const input = base({ ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }], egress: [{ ports: [{}] }] });
    const out = defaultNetworkPolicy(input);
    expect(out.spec.ingress![0].ports).toEqual([{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
    expect(out.spec.egress![0].ports).toEqual([{ protocol: 'TCP' }]);
    expect(input.spec.ingress![0].ports![0]).toEqual({ port: 80 });
    expect(input.spec.policyTypes).toBeUndefined();
  });

  it('does not invent rules that were absent', () => {
    const out = defaultNetworkPolicy(base({}));
    expect(out.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });
});
