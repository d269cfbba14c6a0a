import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreatedLab } from './support/lab-sockets';
import { runKubectl, startKubectl, useKubectlHome, type KubectlRun } from './support/real-kubectl';
import { createLab, useTestServer } from './support/test-server';

/** The real kubectl (v1.32, through Google's dispatcher) against a lab's Kubernetes API. */
describe('kubectl against a lab', () => {
  const server = useTestServer();
  const home = useKubectlHome();
  let lab: CreatedLab;
  const kubeconfigs: Record<string, string> = {};

  const kubectl = (args: string[], role: keyof CreatedLab['tokens'] = 'student', input?: string): Promise<KubectlRun> => runKubectl(home, kubeconfigs[role], args, input);
  const api = (path: string, init: RequestInit = {}, role: keyof CreatedLab['tokens'] = 'student') =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${lab.tokens[role]}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const version = async () => (await (await api(`/api/labs/${lab.id}`)).json()).version as number;
  const file = (name: string, text: string) => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    lab = await createLab(server.url, { name: 'seed', scenario: 'minikube-flannel' });
    for (const role of ['student', 'observer'] as const) {
      const response = await api(`/api/labs/${lab.id}/kubeconfig`, {}, role);
      expect(response.status).toBe(200);
      kubeconfigs[role] = file(`${role}.kubeconfig`, await response.text());
    }
  });

  it('gets nodes with the columns of the real API server', async () => {
    const run = await kubectl(['get', 'nodes']);
    expect(run).toMatchObject({ rc: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['minikube Ready control-plane', 'minikube-m02 Ready <none>', 'minikube-m03 Ready <none>']);
    const wide = await kubectl(['get', 'nodes', '-o', 'wide']);
    expect(wide.stdout).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
    expect(wide.stdout).toContain('192.168.49.3');
  });

  it('gets every pod with -A -o wide (NAMESPACE from the rows, IP and NODE) and the DaemonSets', async () => {
    const pods = await kubectl(['get', 'pods', '-A', '-o', 'wide']);
    expect(pods.rc).toBe(0);
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(pods.stdout).toMatch(/\nkube-flannel\s+kube-flannel-ds-\w{5}\s+1\/1\s+Running\s+0\s+\S+\s+192\.168\.49\.2\s+minikube\s/);
    const ds = await kubectl(['get', 'ds', '-A']);
    expect(ds.rc).toBe(0);
    expect(ds.stdout).toMatch(/\nkube-flannel\s+kube-flannel-ds\s+3\s+3\s+3\s+3\s+3\s+<none>/);
    expect(ds.stdout).toMatch(/\nkube-system\s+kube-proxy\s+3\s+3\s+3\s+3\s+3\s+kubernetes.io\/os=linux/);
  });

  it('describes kube-flannel-cfg', async () => {
    const run = await kubectl(['describe', 'configmaps', 'kube-flannel-cfg', '-n', 'kube-flannel']);
    expect(run.rc).toBe(0);
    expect(run.stdout).toMatch(/^Name:\s+kube-flannel-cfg\nNamespace:\s+kube-flannel\nLabels:\s+app=flannel\n/);
    expect(run.stdout).toContain('net-conf.json:\n----\n{\n  "Network": "10.244.0.0/16"');
  });

  it('runs app and db as the seed does, shows them with -o wide, refuses a taken name', async () => {
    const app = await kubectl(['run', 'app', '--image', 'nicolaka/netshoot', '--labels=app=app', '--', '/bin/bash', '-c', 'sleep 3600']);
    expect(app).toMatchObject({ rc: 0, stdout: 'pod/app created\n' });
    const db = await kubectl(['run', 'db', '--image', 'postgres', '--labels=app=database', '--env=POSTGRES_PASSWORD=123']);
    expect(db).toMatchObject({ rc: 0, stdout: 'pod/db created\n' });
    const again = await kubectl(['run', 'app', '--image', 'nicolaka/netshoot']);
    expect(again.rc).toBe(1);
    expect(again.stderr).toBe('Error from server (AlreadyExists): pods "app" already exists\n');
    const list = await kubectl(['get', 'po', '-o', 'wide']);
    expect(list.stdout).toMatch(/\napp\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+minikube/);
    const json = JSON.parse((await kubectl(['get', 'pod', 'app', '-o', 'json'])).stdout);
    expect(json.spec.containers[0]).toMatchObject({ name: 'app', image: 'nicolaka/netshoot', args: ['/bin/bash', '-c', 'sleep 3600'], imagePullPolicy: 'Always' });
    expect(json.status.podIP).toMatch(/^10\.244\./);
    const logs = await kubectl(['logs', 'db']);
    expect(logs.rc).toBe(0);
    expect(logs.stdout).toContain('database system is ready to accept connections');
  });

  it('labels a pod through the model (add, --overwrite, key- removal), refuses an invalid value appending nothing', async () => {
    const before = await version();
    expect(await kubectl(['label', 'pod', 'app', 'tier=db'])).toMatchObject({ rc: 0, stdout: 'pod/app labeled\n' });
    expect(await version()).toBe(before + 1);
    const taken = await kubectl(['label', 'pod', 'app', 'tier=web']);
    expect(taken.rc).toBe(1);
    expect(taken.stderr).toBe("error: 'tier' already has a value (db), and --overwrite is false\n");
    expect(await kubectl(['label', 'pod', 'app', 'tier=web', '--overwrite'])).toMatchObject({ rc: 0, stdout: 'pod/app labeled\n' });
    expect((await kubectl(['get', 'pod', 'app', '--show-labels'])).stdout).toMatch(/\napp\s.*\sapp=app,tier=web\n$/);
    expect(await kubectl(['label', 'pod', 'app', 'tier-'])).toMatchObject({ rc: 0, stdout: 'pod/app unlabeled\n' });
    expect(JSON.parse((await kubectl(['get', 'pod', 'app', '-o', 'json'])).stdout).metadata.labels).toEqual({ app: 'app' });
    const settled = await version();
    const invalidValue = await kubectl(['patch', 'pod', 'app', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"-bad-"}}}']);
    expect(invalidValue.rc).toBe(1);
    expect(invalidValue.stderr).toMatch(/^The Pod "app" is invalid: metadata.labels: Invalid value: "-bad-"/);
    expect(await version()).toBe(settled);
  });

  it('restarts any DaemonSet with rollout restart: every pod replaced on its node', async () => {
    const flannelPods = async () => JSON.parse((await kubectl(['get', 'pods', '-n', 'kube-flannel', '-o', 'json'])).stdout).items.map((p: { metadata: { name: string }; spec: { nodeName: string } }) => `${p.metadata.name}@${p.spec.nodeName}`);
    const before = await flannelPods();
    const run = await kubectl(['rollout', 'restart', 'ds', 'kube-flannel-ds', '-n', 'kube-flannel']);
    expect(run).toMatchObject({ rc: 0, stdout: 'daemonset.apps/kube-flannel-ds restarted\n' });
    const after = await flannelPods();
    expect(after).toHaveLength(3);
    expect(after.filter((p: string) => before.includes(p))).toEqual([]);
    expect(after.map((p: string) => p.split('@')[1]).sort()).toEqual(before.map((p: string) => p.split('@')[1]).sort());
    const proxy = await kubectl(['rollout', 'restart', 'ds', 'kube-proxy', '-n', 'kube-system']);
    expect(proxy).toMatchObject({ rc: 0, stdout: 'daemonset.apps/kube-proxy restarted\n' });
    const missing = await kubectl(['rollout', 'restart', 'ds', 'nope', '-n', 'kube-system']);
    expect(missing.rc).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): daemonsets.apps "nope" not found\n');
  });

  it('execs into a pod over WebSocket v5.channel.k8s.io with the remote exit code', async () => {
    expect(await kubectl(['exec', 'app', '--', 'hostname'])).toMatchObject({ rc: 0, stdout: 'app\n' });
    const failed = await kubectl(['exec', 'app', '--', 'false']);
    expect(failed.rc).toBe(1);
    expect(failed.stderr).toBe('command terminated with exit code 1\n');
    const missing = await kubectl(['exec', 'nope', '--', 'hostname']);
    expect(missing.rc).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('applies deny-all then an allow policy: created, then configured; get networkpolicy', async () => {
    const denyAll = file('deny-all.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n');
    const created = await kubectl(['apply', '-f', denyAll]);
    expect(created.stdout).toBe('networkpolicy.networking.k8s.io/default-deny created\n');
    expect(created.rc).toBe(0);
    const allow = file(
      'allow.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: postgres-allow\nspec:\n  podSelector:\n    matchLabels:\n      app: database\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: app\n    ports:\n    - port: 5432\n',
    );
    expect((await kubectl(['apply', '-f', allow])).stdout).toBe('networkpolicy.networking.k8s.io/postgres-allow created\n');
    const before = await version();
    expect(await kubectl(['apply', '-f', denyAll])).toMatchObject({ rc: 0, stdout: 'networkpolicy.networking.k8s.io/default-deny unchanged\n' });
    expect(await version()).toBe(before);
    const annotations = JSON.parse((await kubectl(['get', 'netpol', 'default-deny', '-o', 'json'])).stdout).metadata.annotations;
    expect(JSON.parse(annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'default' } });
    const changed = await kubectl(['apply', '-f', file('allow2.yaml', readAllowWithPort(5433))]);
    expect(changed).toMatchObject({ rc: 0, stdout: 'networkpolicy.networking.k8s.io/postgres-allow configured\n' });
    const get = await kubectl(['get', 'netpol']);
    expect(get.stdout).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\ndefault-deny\s+<none>\s+\S+\npostgres-allow\s+app=database\s+\S+\n$/);
    const policy = JSON.parse((await kubectl(['get', 'netpol', 'postgres-allow', '-o', 'json'])).stdout);
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5433 }]);
    const deleted = await kubectl(['delete', '-f', denyAll]);
    expect(deleted).toMatchObject({ rc: 0, stdout: 'networkpolicy.networking.k8s.io "default-deny" deleted\n' });
  });

  it('refuses unknown fields (fieldValidation=Strict) and immutable pod changes, appending nothing', async () => {
    const before = await version();
    const unknown = await kubectl(['apply', '-f', file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  bogus: 1\n  containers:\n  - name: c\n    image: nginx\n')]);
    expect(unknown.rc).toBe(1);
    expect(unknown.stderr).toBe('Error from server (BadRequest): error when creating "' + join(home, 'bad.yaml') + '": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogus"\n');
    const badPolicy = await kubectl(['apply', '-f', file('bad-netpol.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\nspec:\n  podSelector: {}\n  ingress:\n  - fromm: []\n')]);
    expect(badPolicy.rc).toBe(1);
    expect(badPolicy.stderr).toContain('NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.ingress[0].fromm"');
    const immutable = await kubectl(['patch', 'pod', 'app', '--type=merge', '-p', '{"spec":{"nodeName":"minikube-m03"}}']);
    expect(immutable.rc).toBe(1);
    expect(immutable.stderr).toMatch(/^The Pod "app" is invalid: spec.nodeName: Forbidden: pod updates may not change fields/);
    expect(await version()).toBe(before);
  });

  it('lets observers read but not write (403 Forbidden), and refuses a wrong token', async () => {
    expect((await kubectl(['get', 'pods'], 'observer')).rc).toBe(0);
    const write = await kubectl(['delete', 'pod', 'db'], 'observer');
    expect(write.rc).toBe(1);
    expect(write.stderr).toMatch(/^Error from server \(Forbidden\): pods "db" is forbidden|^Error from server \(Forbidden\): pods is forbidden/);
    const wrongToken = await kubectl(['--server', `${server.url}/k8s/${lab.id}/token/nope`, 'get', 'pods']);
    expect(wrongToken.rc).toBe(1);
    expect(wrongToken.stderr.trimEnd().split('\n').pop()).toBe('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
    const bad = await fetch(`${server.url}/k8s/${lab.id}/token/nope/api/v1/pods`);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('watches pods (get -w) and sees a pod deleted over the REST API', async () => {
    const child = startKubectl(home, kubeconfigs.student, ['get', 'pods', '-w']);
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    await until(() => /\ndb\s/.test(out));
    const response = await api(`/api/labs/${lab.id}/objects/pods/default/db`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    await until(() => out.split('\n').filter((line) => line.startsWith('db ')).length >= 2);
    child.kill();
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  });

  it('deletes a pod with kubectl delete (the wait ends on the 404)', async () => {
    const run = await kubectl(['delete', 'pod', 'app']);
    expect(run).toMatchObject({ rc: 0, stdout: 'pod "app" deleted\n' });
    const after = await kubectl(['get', 'po']);
    expect(after.stderr).toBe('No resources found in default namespace.\n');
  });
});

function readAllowWithPort(port: number): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: postgres-allow\nspec:\n  podSelector:\n    matchLabels:\n      app: database\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: app\n    ports:\n    - port: ${port}\n`;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
