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

const pod = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n  containers:\n  - name: main\n    image: postgres\n    ports:\n    - containerPort: 5432\n${extra}`;

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('planApply', () => {
  it('creates namespaces and pods in document order, pods in a namespace created by the same manifest too', () => {
    const state = lab();
    const plan = planApply(state, parseManifests(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    team: a\n---\n${pod('db').replace('  name: db', '  name: db\n  namespace: x')}`));
    expect(plan.commands).toEqual([
      { type: 'createNamespace', name: 'x', labels: { team: 'a' } },
      {
        type: 'createPod',
        namespace: 'x',
        name: 'db',
        labels: { app: 'db' },
        annotations: {},
        containers: [{ name: 'main', image: 'postgres', ports: [{ containerPort: 5432, protocol: 'TCP' }] }],
      },
    ]);
    expect(plan.outcomes.map((o) => `${o.resource}/${o.name} ${o.action}`)).toEqual(['namespace/x created', 'pod/db created']);
  });

  it('reports an identical object as unchanged and plans nothing for it', () => {
    const state = lab();
    for (const command of planApply(state, parseManifests(pod('db'))).commands) applyCommand(state, command);
    const again = planApply(state, parseManifests(pod('db')));
    expect(again.commands).toEqual([]);
    expect(again.outcomes[0].action).toBe('unchanged');
  });

  it('refuses changes to immutable pod fields with the field path', () => {
    const state = lab();
    for (const command of planApply(state, parseManifests(pod('db'))).commands) applyCommand(state, command);
    const issues = issuesOf(() => planApply(state, parseManifests(pod('db').replace('image: postgres', 'image: redis'))));
    expect(issues.map((i) => i.path)).toEqual(['documents[0].spec.containers']);
    expect(issuesOf(() => planApply(state, parseManifests(`${pod('db')}  nodeName: elsewhere\n`)))[0].path).toBe('documents[0].spec.nodeName');
  });

  it('is all-or-nothing: one bad document fails the whole plan and names its index', () => {
    const issues = issuesOf(() => planApply(lab(), parseManifests(`${pod('a')}---\n${pod('b').replace('    image: postgres\n', '')}`)));
    expect(issues).toEqual([{ path: 'documents[1].spec.containers[0].image', message: 'Required value' }]);
  });

  it('refuses unknown kinds, unknown namespaces and malformed fields', () => {
    expect(issuesOf(() => planApply(lab(), parseManifests('apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: d\n')))[0].path).toBe('documents[0].kind');
    expect(issuesOf(() => planApply(lab(), parseManifests(pod('a').replace('  name: a', '  name: a\n  namespace: nope'))))[0].message).toBe(
      'Not found: namespaces "nope" not found',
    );
    const ports = issuesOf(() => planApply(lab(), parseManifests(pod('a').replace('5432', '70000'))));
    expect(ports[0].path).toBe('documents[0].spec.containers[0].ports[0].containerPort');
    expect(issuesOf(() => planApply(lab(), parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {}\n')))[0].path).toBe('documents[0].metadata.name');
  });
});
