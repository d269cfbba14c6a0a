import { enforcesNetworkPolicy, evaluateFlowWithPlugin, policyWarning } from './enforcement';
import { namespace, netpol, pod, world } from './test-fixture';

const app = pod('default/app', '10.244.0.5', { app: 'app' });
const db = pod('default/db', '10.244.0.6', { app: 'database' });
const denyAll = netpol('default/default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
const w = world([namespace('default')], [app, db], [denyAll]);
const flow = { source: app, destination: db, port: 5432, protocol: 'TCP' as const };

describe('enforcement per CNI plugin', () => {
  it('calico, cilium and weave enforce; flannel and bridge do not', () => {
    expect(['calico', 'cilium', 'weave', 'flannel', 'bridge'].map(enforcesNetworkPolicy)).toEqual([true, true, true, false, false]);
  });

  it('an enforcing plugin returns the engine verdict', () => {
    const v = evaluateFlowWithPlugin(w, flow, 'calico');
    expect(v).toMatchObject({ allowed: false, enforced: true, plugin: 'calico', wouldBeDeniedBy: [] });
    expect(v.explanation).toMatch(/^Denied: /);
  });

  it('flannel lets the flow through and says which policy would have denied it', () => {
    const v = evaluateFlowWithPlugin(w, flow, 'flannel');
    expect(v).toMatchObject({ allowed: true, enforced: false, wouldBeDeniedBy: ['default-deny'] });
    expect(v.ingress.allowed).toBe(false);
    expect(v.explanation).toBe(
      'Allowed: flannel does not enforce NetworkPolicy; would be denied by default-deny if the CNI enforced NetworkPolicy.',
    );
  });

  it('lists every policy of the denying directions once', () => {
    const both = world([namespace('default')], [app, db], [
      denyAll,
      netpol('default/no-egress', { podSelector: {}, policyTypes: ['Egress'] }),
    ]);
    expect(evaluateFlowWithPlugin(both, flow, 'bridge').wouldBeDeniedBy).toEqual(['no-egress', 'default-deny']);
  });

  it('a flow allowed anyway keeps the engine explanation on a non-enforcing plugin', () => {
    const v = evaluateFlowWithPlugin(world([namespace('default')], [app, db], []), flow, 'flannel');
    expect(v).toMatchObject({ allowed: true, enforced: false, wouldBeDeniedBy: [] });
    expect(v.explanation).toMatch(/^Allowed: no NetworkPolicy selects/);
  });

  it('warns when a policy is applied on a plugin that ignores it', () => {
    expect(policyWarning('flannel', 'deny-all')).toBe(
      'the flannel CNI plugin does not enforce NetworkPolicy: networkpolicy "deny-all" is stored but has no effect on traffic',
    );
    expect(policyWarning('cilium', 'deny-all')).toBeNull();
  });
});
