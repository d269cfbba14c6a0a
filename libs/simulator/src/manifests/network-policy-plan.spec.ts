import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import { ManifestError, parseManifests } from './parse-manifests';
import { planApply } from './to-commands';

const netpolYaml = readFileSync(join(__dirname, '__fixtures__', 'netpol.yaml'), 'utf8');

function lab(plugin: 'flannel' | 'calico'): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster: { cni: { plugin } } });
  return state;
}

function apply(state: LabState, text: string) {
  const plan = planApply(state, parseManifests(text));
  for (const command of plan.commands) applyCommand(state, command);
  return plan.outcomes;
}

function issuesOf(state: LabState, text: string) {
  try {
    planApply(state, parseManifests(text));
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).status).toBe(422);
    return (error as ManifestError).issues;
  }
  throw new Error('expected a 422');
}

describe('planApply: networking.k8s.io/v1 NetworkPolicy', () => {
  it('creates the reference policy, then reports it unchanged, then configured after a change', () => {
    const state = lab('calico');
    expect(apply(state, netpolYaml)).toEqual([
      { index: 0, kind: 'NetworkPolicy', resource: 'networkpolicy.networking.k8s.io', namespace: 'default', name: 'db-allow-app', action: 'created' },
    ]);
    expect(state.networkPolicies.get('default/db-allow-app')?.policy.spec.ingress?.[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(apply(state, netpolYaml)[0].action).toBe('unchanged');
    expect(apply(state, netpolYaml.replace('5432', '5433'))[0].action).toBe('configured');
  });

  it('carries the warning on a plugin that does not enforce NetworkPolicy', () => {
    const [outcome] = apply(lab('flannel'), netpolYaml);
    expect(outcome.warning).toBe(
      'the flannel CNI plugin does not enforce NetworkPolicy: networkpolicy "db-allow-app" is stored but has no effect on traffic',
    );
  });

  it('reports every validation error at the document path, and applies nothing', () => {
    const state = lab('calico');
    const bad = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${netpolYaml.replace('port: 5432', 'port: 5432\n      endPort: 80')}  - from:\n    - {}\n`;
    expect(issuesOf(state, bad)).toEqual([
      { path: 'documents[1].spec.ingress[0].ports[0].endPort', message: 'Invalid value: 80: must be greater than or equal to `port`' },
      { path: 'documents[1].spec.ingress[1].from[0]', message: 'Required value: must specify a peer' },
    ]);
    expect(state.namespaces.has('x')).toBe(false);
  });

  it('refuses unknown fields and a missing namespace', () => {
    const state = lab('calico');
    expect(issuesOf(state, netpolYaml.replace('policyTypes:', 'bogus: 1\n  policyTypes:'))).toEqual([
      { path: 'documents[0].spec.bogus', message: 'strict decoding error: unknown field "spec.bogus"' },
    ]);
    expect(issuesOf(state, netpolYaml.replace('name: db-allow-app', 'name: db-allow-app\n  namespace: nowhere'))).toEqual([
      { path: 'documents[0].metadata.namespace', message: 'Not found: namespaces "nowhere" not found' },
    ]);
  });
});
