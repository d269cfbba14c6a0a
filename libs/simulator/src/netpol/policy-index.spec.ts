import { indexWorld, namespaceNameLabel } from './policy-index';
import { namespace, netpol, pod, world } from './test-fixture';

const web = pod('prod/web', '10.244.1.10', { app: 'web', tier: 'front' });
const policies = [
  netpol('prod/by-tier', { podSelector: { matchLabels: { tier: 'front' } } }),
  netpol('prod/everything', { podSelector: {} }),
  netpol('prod/by-app', { podSelector: { matchLabels: { app: 'web', tier: 'front' } } }),
  netpol('prod/other-app', { podSelector: { matchLabels: { app: 'db' } } }),
  netpol('prod/expr', { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] } }),
  netpol('prod/partial', { podSelector: { matchLabels: { app: 'web', tier: 'back' } } }),
  netpol('dev/everything', { podSelector: {} }),
];

describe('indexWorld', () => {
  const index = indexWorld(world([namespace('prod'), namespace('dev', { team: 'a' })], [web], policies));

  it('finds exactly the policies of the pod namespace that select it, in the order applied', () => {
    expect(index.selecting(web).map((p) => p.key)).toEqual(['prod/by-tier', 'prod/everything', 'prod/by-app', 'prod/expr']);
  });

  it('finds nothing for a pod of a namespace without policies, or a hostNetwork pod', () => {
    expect(index.selecting(pod('staging/web', '10.244.3.1', { app: 'web' }))).toEqual([]);
    expect(index.selecting({ ...web, hostNetwork: true })).toEqual([]);
  });

  it('adds kubernetes.io/metadata.name to namespaces, known or not', () => {
    expect(index.namespaceLabels('dev')).toEqual({ team: 'a', [namespaceNameLabel]: 'dev' });
    expect(index.namespaceLabels('ghost')).toEqual({ [namespaceNameLabel]: 'ghost' });
  });

  it('looks pods up by "namespace/name"', () => {
    expect(index.pod('prod/web')).toBe(web);
    expect(index.pod('prod/nope')).toBeUndefined();
  });
});
