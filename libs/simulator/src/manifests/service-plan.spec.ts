import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import { ManifestError, parseManifests } from './parse-manifests';
import { planApply } from './to-commands';

function lab() {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'lab', cluster: {} });
  applyCommand(state, { type: 'addNode' });
  return state;
}

const service = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n${spec}`;
const NODEPORT = service('  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: http\n    nodePort: 30080\n');

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('planApply: v1 Service', () => {
  it('creates, then reports unchanged, then configured as kubectl apply does', () => {
    const state = lab();
    const plan = planApply(state, parseManifests(NODEPORT));
    expect(plan.outcomes).toEqual([{ index: 0, kind: 'Service', resource: 'service', namespace: 'default', name: 'web', action: 'created' }]);
    expect(plan.commands).toEqual([
      {
        type: 'applyService',
        service: { namespace: 'default', name: 'web', labels: {}, type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] },
      },
    ]);
    for (const command of plan.commands) applyCommand(state, command);
    expect(planApply(state, parseManifests(NODEPORT)).outcomes[0].action).toBe('unchanged');
    const changed = planApply(state, parseManifests(NODEPORT.replace('port: 80', 'port: 8080')));
    expect(changed.outcomes[0].action).toBe('configured');
  });

  it('refuses an invalid Service with Kubernetes-style issues at the document path, and applies nothing', () => {
    const state = lab();
    const bad = service('  ports:\n  - port: 0\n  - port: 70000\n    name: b\n');
    expect(issuesOf(() => planApply(state, parseManifests(`${NODEPORT}---\n${bad}`)))).toEqual([
      { path: 'documents[1].spec.ports[0].name', message: 'Required value' },
      { path: 'documents[1].spec.ports[0].port', message: 'Invalid value: 0: must be between 1 and 65535, inclusive' },
      { path: 'documents[1].spec.ports[1].port', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' },
    ]);
  });

  it('reports a pinned ClusterIP in use as a 422 at spec.clusterIPs', () => {
    const state = lab();
    const issues = issuesOf(() => planApply(state, parseManifests(service('  clusterIP: 10.96.0.10\n  ports:\n  - port: 80\n'))));
    expect(issues).toEqual([
      { path: 'documents[0].spec.clusterIPs', message: 'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated' },
    ]);
  });
});
