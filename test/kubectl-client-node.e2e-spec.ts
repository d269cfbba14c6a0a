import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labClient, type CreatedLab, type LabClient } from './support/lab-sockets';
import { startKubectl, useKubectlHome } from './support/real-kubectl';
import { createLab, useTestServer } from './support/test-server';

/**
 * @kubernetes/client-node is ESM only (jest here loads CommonJS), so it runs in its own node
 * process, as kubectl does: `list` prints what the typed clients list, `watch` one line per event.
 */
const clientScript = `
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, Watch } from '@kubernetes/client-node';
const kc = new KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG);
if (process.argv[1] === 'list') {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = await core.listNode();
  const pods = await core.listPodForAllNamespaces({ labelSelector: 'app=flannel' });
  const ds = await kc.makeApiClient(AppsV1Api).listDaemonSetForAllNamespaces();
  const policies = await kc.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace: 'default' });
  let missing;
  try { await core.readNamespacedPod({ name: 'nope', namespace: 'default' }); } catch (error) { missing = error.code; }
  console.log(JSON.stringify({
    nodes: nodes.items.map((n) => [n.metadata.name, n.status.addresses[0].address]),
    flannelPods: pods.items.map((p) => [p.metadata.namespace, p.spec.nodeName, p.status.podIP]),
    daemonSets: ds.items.map((d) => [d.metadata.namespace, d.metadata.name, d.status.numberReady]),
    policies: policies.items.length,
    listVersion: nodes.metadata.resourceVersion,
    missing,
  }));
} else {
  await new Watch(kc).watch('/api/v1/namespaces/default/pods', {}, (type, pod) => console.log(type + ' ' + pod.metadata.name + ' ' + pod.status.phase), (error) => { console.log('DONE ' + (error ? error.message : '')); process.exit(0); });
  console.log('WATCHING');
}
`;

describe('@kubernetes/client-node and kubectl get -w against a lab', () => {
  let socket: LabClient;
  const children: ChildProcess[] = [];
  // Declared before the server's hooks, so it runs before the server closes (an open watch would hold the close).
  afterAll(() => {
    for (const child of children) child.kill();
    socket.close();
  });
  const server = useTestServer();
  const home = useKubectlHome();
  let lab: CreatedLab;
  let kubeconfig: string;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/labs/${lab.id}${path}`, { ...init, headers: { authorization: `Bearer ${lab.tokens.student}`, 'content-type': 'application/json' } });
  const client = (mode: 'list' | 'watch') => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', clientScript, mode], { cwd: join(__dirname, '..'), env: { ...process.env, KUBECONFIG: kubeconfig } });
    children.push(child);
    const out = { text: '' };
    child.stdout!.on('data', (chunk) => (out.text += chunk));
    child.stderr!.on('data', (chunk) => (out.text += chunk));
    return { child, out };
  };
  const podManifest = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n  containers:\n  - name: ${name}\n    image: nginx\n`;

  beforeAll(async () => {
    lab = await createLab(server.url, { name: 'seed', scenario: 'minikube-flannel' });
    kubeconfig = join(home, 'lab.kubeconfig');
    writeFileSync(kubeconfig, await (await api('/kubeconfig')).text());
    socket = labClient(server.url, { token: lab.tokens.student, lab: lab.id });
  });

  it('lists nodes, pods by label, DaemonSets and policies with the typed clients; a missing pod is a 404', async () => {
    const { child, out } = client('list');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(out.text).toMatch(/^\{/);
    const listed = JSON.parse(out.text);
    const state = await (await api('')).json();
    expect(listed.listVersion).toBe(String(state.version));
    expect(listed.nodes).toEqual([
      ['minikube', '192.168.49.2'],
      ['minikube-m02', '192.168.49.3'],
      ['minikube-m03', '192.168.49.4'],
    ]);
    expect(listed.flannelPods.map(([ns, node, ip]: string[]) => `${ns} ${node} ${ip}`).sort()).toEqual(['kube-flannel minikube 192.168.49.2', 'kube-flannel minikube-m02 192.168.49.3', 'kube-flannel minikube-m03 192.168.49.4']);
    expect(listed.daemonSets).toEqual([
      ['kube-flannel', 'kube-flannel-ds', 3],
      ['kube-system', 'kube-proxy', 3],
    ]);
    expect(listed).toMatchObject({ policies: 0, missing: 404 });
  });

  it('watches pods: a pod applied over socket.io is ADDED, one deleted over REST is DELETED', async () => {
    const { out } = client('watch');
    await until(() => out.text.includes('WATCHING'));
    const ack = await socket.socket.emitWithAck('command', { type: 'apply', manifests: podManifest('web') });
    expect(ack).toMatchObject({ ok: true });
    await until(() => /^ADDED web /m.test(out.text));
    expect((await api('/objects/pods/default/web', { method: 'DELETE' })).status).toBe(200);
    await until(() => /^DELETED web /m.test(out.text));
    expect(out.text).not.toContain('DONE');
  });

  it('kubectl get pods -w prints a pod applied over socket.io and its deletion over REST as new rows', async () => {
    const child = startKubectl(home, kubeconfig, ['get', 'pods', '-w']);
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    // Whether the pod lands before kubectl's list or after it (then through the watch), it is a row;
    // the watch starts at the list's version, so the deletion is a row either way.
    expect(await socket.socket.emitWithAck('command', { type: 'apply', manifests: podManifest('db') })).toMatchObject({ ok: true });
    await until(() => /^db\s/m.test(out));
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const rows = () => out.split('\n').filter((line) => line.startsWith('db ')).length;
    const beforeDelete = rows();
    expect((await api('/objects/pods/default/db', { method: 'DELETE' })).status).toBe(200);
    await until(() => rows() > beforeDelete);
    expect(child.exitCode).toBeNull();
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
