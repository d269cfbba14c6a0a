import { labEvents } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import type { NetworkPolicy } from '../netpol/types';
import { applyCommand } from './apply';
import { decide } from './decide';
import { SimulatorError } from './errors';
import { replay } from './evolve';
import { fromSnapshot, initialState, toSnapshot } from './state';

const ctx = { time: 0, actor: 'test' };

function lab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster: { cni: { plugin: 'calico' } } });
  return state;
}

const denyAll: NetworkPolicy = { metadata: { name: 'default-deny', namespace: 'default' }, spec: { podSelector: {} } };

function refusal(state: LabState, policy: NetworkPolicy): SimulatorError {
  try {
    decide(state, { type: 'applyNetworkPolicy', policy }, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    return error as SimulatorError;
  }
  throw new Error('expected the policy to be refused');
}

describe('applyNetworkPolicy / deleteNetworkPolicy', () => {
  it('given a lab, when a policy is applied, then it is stored defaulted with the seq that applied it', () => {
    const state = lab();
    const events = applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll }, 5000);
    expect(events.map((e) => e.type)).toEqual(['NetworkPolicyApplied']);
    expect(() => labEvents.validate('NetworkPolicyApplied', events[0].data)).not.toThrow();
    const stored = state.networkPolicies.get('default/default-deny')!;
    expect(stored.policy.spec.policyTypes).toEqual(['Ingress']);
    expect(stored.policy.apiVersion).toBe('networking.k8s.io/v1');
    expect(stored).toMatchObject({ createdAt: 5000, appliedSeq: events[0].seq });
  });

  it('given a stored policy, when the same one is applied again, then nothing is decided; a change is "configured" and keeps createdAt', () => {
    const state = lab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll }, 1000);
    expect(decide(state, { type: 'applyNetworkPolicy', policy: denyAll }, ctx)).toEqual([]);
    const changed = { ...denyAll, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] as ('Ingress' | 'Egress')[] } };
    const [event] = applyCommand(state, { type: 'applyNetworkPolicy', policy: changed }, 9000);
    expect(event.data).toMatchObject({ action: 'configured' });
    expect(state.networkPolicies.get('default/default-deny')).toMatchObject({ createdAt: 1000, appliedSeq: event.seq });
  });

  it('refuses invalid policies with the API server message and field path', () => {
    const error = refusal(lab(), { metadata: { name: 'p', namespace: 'default' }, spec: { podSelector: {}, ingress: [{ from: [{}] }] } });
    expect(error.code).toBe('invalid');
    expect(error.message).toBe('NetworkPolicy.networking.k8s.io "p" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer');
    expect(error.path).toBe('spec.ingress[0].from[0]');
  });

  it('refuses unknown fields and a missing namespace', () => {
    const unknown = refusal(lab(), { metadata: { name: 'p', namespace: 'default' }, spec: { podSelector: {}, bogus: 1 } } as unknown as NetworkPolicy);
    expect(unknown.message).toBe('strict decoding error: unknown field "spec.bogus"');
    const missing = refusal(lab(), { ...denyAll, metadata: { name: 'p', namespace: 'nowhere' } });
    expect(missing.code).toBe('not-found');
  });

  it('deletes a policy, refuses an unknown one, and a namespace deletion deletes its policies first', () => {
    const state = lab();
    applyCommand(state, { type: 'createNamespace', name: 'x' });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: { ...denyAll, metadata: { name: 'a', namespace: 'x' } } });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    applyCommand(state, { type: 'deleteNetworkPolicy', namespace: 'default', name: 'default-deny' });
    expect([...state.networkPolicies.keys()]).toEqual(['x/a']);
    expect(() => decide(state, { type: 'deleteNetworkPolicy', namespace: 'default', name: 'default-deny' }, ctx)).toThrow(
      'networkpolicies.networking.k8s.io "default-deny" not found',
    );
    const events = applyCommand(state, { type: 'deleteNamespace', name: 'x' });
    expect(events.map((e) => e.type)).toEqual(['NetworkPolicyDeleted', 'NamespaceDeleted']);
    expect(state.networkPolicies.size).toBe(0);
  });

  it('round-trips policies through snapshots and replay', () => {
    const state = initialState();
    const events = [
      ...applyCommand(state, { type: 'createLab', name: 'lab' }),
      ...applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll }),
    ];
    expect(toSnapshot(fromSnapshot(toSnapshot(state)))).toEqual(toSnapshot(state));
    expect(toSnapshot(replay(events))).toEqual(toSnapshot(state));
  });
});
