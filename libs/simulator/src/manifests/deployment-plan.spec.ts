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

const deployment = (replicas: number, image = 'nginx:1.27', templateApp = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: ${templateApp}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return { status: error.status, issues: error.issues };
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('planApply: apps/v1 Deployment', () => {
  it('creates, then reports unchanged, then configured as kubectl apply does', () => {
    const state = lab();
    const plan = planApply(state, parseManifests(deployment(2)));
    expect(plan.outcomes).toEqual([{ index: 0, kind: 'Deployment', resource: 'deployment.apps', namespace: 'default', name: 'web', action: 'created' }]);
    expect(plan.commands).toEqual([
      {
        type: 'applyDeployment',
        deployment: {
          namespace: 'default',
          name: 'web',
          labels: { app: 'web' },
          replicas: 2,
          selector: { app: 'web' },
          template: { labels: { app: 'web' }, annotations: {}, containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
        },
      },
    ]);
    for (const command of plan.commands) applyCommand(state, command);
    expect([...state.pods.values()].filter((pod) => pod.namespace === 'default' && pod.owner?.kind === 'ReplicaSet')).toHaveLength(2);
    expect(planApply(state, parseManifests(deployment(2))).outcomes[0].action).toBe('unchanged');
    expect(planApply(state, parseManifests(deployment(2))).commands).toEqual([]);
    expect(planApply(state, parseManifests(deployment(3))).outcomes[0].action).toBe('configured');
    expect(planApply(state, parseManifests(deployment(2, 'nginx:1.28'))).outcomes[0].action).toBe('configured');
  });

  it('refuses invalid Deployments with 422 issues at the document paths', () => {
    const state = lab();
    expect(issuesOf(() => planApply(state, parseManifests(deployment(2, 'nginx', 'api'))))).toEqual({
      status: 422,
      issues: [{ path: 'documents[0].spec.template.metadata.labels', message: 'Invalid value: {"app":"api"}: `selector` does not match template `labels`' }],
    });
    expect(issuesOf(() => planApply(state, parseManifests(deployment(-1)))).issues[0].path).toBe('documents[0].spec.replicas');
    const noSelector = deployment(1).replace('  selector:\n    matchLabels:\n      app: web\n', '');
    expect(issuesOf(() => planApply(state, parseManifests(noSelector))).issues[0].path).toBe('documents[0].spec.selector.matchLabels');
    const noImage = deployment(1).replace('        image: nginx:1.27\n', '');
    expect(issuesOf(() => planApply(state, parseManifests(noImage))).issues[0].path).toBe('documents[0].spec.template.spec.containers[0].image');
  });
});
