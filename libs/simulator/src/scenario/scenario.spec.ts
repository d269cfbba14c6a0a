import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { buildScenario } from './build-scenario';
import { exportScenarioYaml } from './export-scenario';
import { parseScenario, ScenarioError } from './parse-scenario';
import { runChecks } from './run-checks';

const SCENARIOS = join(__dirname, '../../../../scenarios');
const builtIns = readdirSync(SCENARIOS).filter((file) => file.endsWith('.yaml')).map((file) => file.replace(/\.yaml$/, ''));
const read = (name: string) => readFileSync(join(SCENARIOS, `${name}.yaml`), 'utf8');
const env = (state: LabState) => ({ now: state.time, epochMs: 0 });

function build(text: string, name = 'lab') {
  const parsed = parseScenario(text);
  return { ...buildScenario(parsed, { name }), checks: parsed.scenario.checks };
}

/** What GET /state shows of a lab, plus routers and files: what a round trip must keep. */
function view(state: LabState) {
  return {
    time: state.time,
    cluster: state.cluster,
    nodes: [...state.nodes.values()].map(({ name, ip, podCIDR, role }) => ({ name, ip, podCIDR, role })),
    routers: [...state.routers.values()],
    namespaces: [...state.namespaces.values()].map(({ name, labels }) => ({ name, labels })).sort((a, b) => a.name.localeCompare(b.name)),
    pods: [...state.pods.values()]
      .map(({ namespace, name, labels, node, ip, phase, hostNetwork, containers }) => ({ namespace, name, labels, node, ip, phase, hostNetwork, containers }))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    services: [...state.services.values()].map(({ uid: _uid, createdAt: _createdAt, ...service }) => service).sort((a, b) => a.name.localeCompare(b.name)),
    policies: [...state.networkPolicies.values()].map(({ policy }) => policy),
    files: [...state.files].sort(),
  };
}

describe('built-in scenarios', () => {
  it('are the four of API.md', () => {
    expect(builtIns.sort()).toEqual(['calico-netpol', 'kubenet-cbr0', 'minikube-flannel', 'two-vms-router']);
  });

  it.each(builtIns)('%s builds and passes its own checks', (name) => {
    const { state, checks } = build(read(name), name);
    expect(checks.length).toBeGreaterThan(0);
    const report = runChecks(state, checks, env(state));
    expect(report.filter((check) => !check.passed)).toEqual([]);
  });

  it.each(builtIns)('%s survives export → import: same lab, same check results', (name) => {
    const original = build(read(name), name);
    const again = build(exportScenarioYaml(original.state), name);
    expect(view(again.state)).toEqual(view(original.state));
    expect(runChecks(again.state, original.checks, env(again.state))).toEqual(runChecks(original.state, original.checks, env(original.state)));
  });
});

describe('exportScenario', () => {
  it('splits the objects into apply steps kubectl accepts (500 at most) and still rebuilds the lab', () => {
    const pods = Array.from({ length: 501 }, (_, i) => `  - { apiVersion: v1, kind: Pod, metadata: { name: p${i} }, spec: { containers: [{ name: c, image: nginx }] } }`);
    const original = build(`nodes: [{}, {}, {}]\nsteps:\n  - apply:\n${pods.slice(0, 300).map((p) => `  ${p}`).join('\n')}\n  - apply:\n${pods.slice(300).map((p) => `  ${p}`).join('\n')}\n`);
    const exported = parseScenario(exportScenarioYaml(original.state)).scenario;
    expect(exported.steps.map((step) => (step.apply as unknown[]).length)).toEqual([500, 1]);
    expect(view(build(exportScenarioYaml(original.state)).state)).toEqual(view(original.state));
  });
});

describe('exportScenario with Deployments', () => {
  it('exports a Deployment (not its pods, not coredns): the rebuilt lab runs it with as many pods of its template', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: 3
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: nginx, image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }
`;
    const original = build(`nodes: [{}, {}]\nfiles: [{ name: web.yaml, content: ${JSON.stringify(deployment)} }]\nsteps:\n  - apply: { file: web.yaml }\n`);
    const exported = exportScenarioYaml(original.state);
    expect(exported).toContain('kind: Deployment');
    expect(exported).not.toMatch(/name: web-[a-z0-9]+-[a-z0-9]{5}/);
    expect(exported).not.toContain('name: coredns');
    const again = build(exported).state;
    const shape = (state: LabState) =>
      [...state.deployments.values()].map(({ namespace, name, replicas, selector, template, podTemplateHash, strategy }) => ({ namespace, name, replicas, selector, template, podTemplateHash, strategy }));
    expect(shape(again)).toEqual(shape(original.state));
    const webPods = (state: LabState) => [...state.pods.values()].filter((pod) => pod.labels.app === 'web').map((pod) => pod.labels['pod-template-hash']);
    expect(webPods(again)).toEqual(webPods(original.state));
  });
});

describe('exportScenario with iptables', () => {
  it("replays the users' iptables commands at the times they ran, then the clock", () => {
    const original = build(
      [
        'nodes: [{}, {}]',
        'steps:',
        '  - advance: 5s',
        '  - run: iptables -t nat -F',
        '    context: node/minikube-m02',
        '  - advance: 10s',
        `  - run: iptables -A INPUT -s 10.0.0.0/8 -m comment --comment "no pods here" -j DROP`,
        '    context: node/minikube',
        '  - advance: 1m',
      ].join('\n'),
    );
    const text = exportScenarioYaml(original.state);
    expect(parseScenario(text).scenario.steps).toEqual([
      { advance: '5000ms' },
      { run: 'iptables -t nat -F', context: 'node/minikube-m02' },
      { advance: '10000ms' },
      { run: "iptables -A INPUT -s 10.0.0.0/8 -m comment --comment 'no pods here' -j DROP", context: 'node/minikube' },
      { advance: '60000ms' },
    ]);
    const again = build(text);
    const { scenario } = parseScenario(
      'checks:\n  - expect: { exec: "iptables -S INPUT", context: node/minikube }\n  - expect: { exec: "iptables-save -t nat | grep -c KUBE", context: node/minikube-m02 }\n',
    );
    const results = (state: LabState) => runChecks(state, scenario.checks, env(state)).map((check) => check.actual);
    expect(results(again.state)).toEqual(results(original.state));
    expect(results(original.state)[0]).toContain('-A INPUT -s 10.0.0.0/8 -m comment --comment "no pods here" -j DROP');
    expect(again.state.time).toBe(original.state.time);
  });
});

describe('checks', () => {
  const calico = read('calico-netpol');

  it('fail where the lab differs: without the allow policy app cannot reach db', () => {
    const { state, checks } = build(calico.replace('  - run: kubectl apply -f allow.yaml\n', ''));
    const report = runChecks(state, checks, env(state));
    expect(report.map((check) => [check.name, check.passed])).toEqual([
      ['app reaches postgres on 5432', false],
      ['app may not reach db on any other port', true],
      ['db may not connect to app (deny-all ingress)', true],
      ['only app → db is open on 5432', false],
      ['both policies are in place', false],
    ]);
    expect(report[0]).toMatchObject({ kind: 'trace', expected: 'default/app → default/db:5432/TCP delivered', failures: ['the trace was dropped, not delivered'] });
    expect(report[3].failures).toEqual(['default/app → default/db is blocked, expected reachable']);
    expect(report[4].failures).toEqual(['stdout does not contain "postgres-allow"']);
  });

  it('name missing pods and trace errors instead of throwing', () => {
    const { state } = build(calico);
    const { scenario } = parseScenario(
      'checks:\n  - expect: { trace: { from: default/ghost, to: default/db, port: 5432 }, verdict: delivered }\n  - expect: { connectivity: { port: 80, matrix: { default/ghost: { default/db: true } } } }\n',
    );
    const [traced, matrix] = runChecks(state, scenario.checks, env(state));
    expect(traced.passed).toBe(false);
    expect(traced.actual).toMatch(/^error: .*ghost/);
    expect(matrix.failures).toEqual(['default/ghost: no such running pod']);
  });

  it('run commands that change the lab on a copy, never on the lab', () => {
    const { state } = build(calico);
    const before = view(state);
    const version = state.version;
    const { scenario } = parseScenario('checks:\n  - expect: { exec: "kubectl run web --image nginx && kubectl get po", stdout-contains: web, exit-code: 0 }\n');
    const [report] = runChecks(state, scenario.checks, env(state));
    expect(report.passed).toBe(true);
    expect(report.actual).toContain('pod/web created');
    expect(state.version).toBe(version);
    expect(view(state)).toEqual(before);
  });

  it('check exit codes and absent output', () => {
    const { state } = build(calico);
    const { scenario } = parseScenario('checks:\n  - expect: { exec: "kubectl get po nope", exit-code: 0, stdout-not-contains: nope }\n');
    const [report] = runChecks(state, scenario.checks, env(state));
    expect(report.failures).toEqual(['exit code 1, not 0']);
  });
});

describe('buildScenario', () => {
  it('applies steps in order: files, manifests by file reference, shell lines in a context, clock advances', () => {
    const { state, events } = build(
      [
        'cluster: { cni: { plugin: flannel, backend: host-gw } }',
        'nodes: [{}, {}]',
        'files:',
        '  - { name: ns.yaml, content: "apiVersion: v1\\nkind: Namespace\\nmetadata: { name: shop }\\n" }',
        'steps:',
        '  - apply: { file: ns.yaml }',
        '  - apply: [{ apiVersion: v1, kind: Pod, metadata: { name: web }, spec: { containers: [{ name: web, image: nginx }] } }]',
        '    namespace: shop',
        '  - advance: 1m30s',
        '  - run: iptables -t nat -F',
        '    context: node/minikube-m02',
      ].join('\n'),
    );
    expect(state.pods.get('shop/web')?.phase).toBe('Running');
    expect(state.time).toBe(90_000);
    expect(events.at(-1)?.time).toBe(90_000);
    expect(state.proxy.nodes.get('minikube-m02')?.mutations.length).toBe(1);
  });

  it('names the step and its line when the lab refuses it', () => {
    const attempt = (text: string) => {
      try {
        build(text);
      } catch (error) {
        if (error instanceof ScenarioError) return error.issues;
        throw error;
      }
      throw new Error('expected a ScenarioError');
    };
    expect(attempt('nodes: [{}]\nsteps:\n  - run: kubectl get po\n  - run: kubectl bogus\n')).toEqual([
      { path: 'steps[1].run', message: expect.stringMatching(/^"kubectl bogus" exited with 1: error: unknown command "bogus"/), line: 4, column: 10 },
    ]);
    expect(attempt('nodes: [{}]\nsteps:\n  - apply: { file: missing.yaml }\n')).toEqual([
      { path: 'steps[0].apply.file', message: 'the lab has no file "missing.yaml" (list it under "files")', line: 3, column: 20 },
    ]);
    expect(attempt('nodes:\n  - {}\n  - { name: minikube }\n')).toEqual([{ path: 'nodes[1]', message: expect.stringContaining('minikube'), line: 3, column: 5 }]);
    expect(attempt('steps:\n  - apply: "apiVersion: v1\\nkind: Pod\\nmetadata: { name: p }\\n"\n')[0]).toMatchObject({ path: expect.stringMatching(/^steps\[0\]\.apply documents\[0\]/), line: 2 });
  });
});
