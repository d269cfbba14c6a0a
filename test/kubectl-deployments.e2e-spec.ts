import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CreatedLab } from './support/lab-sockets';
import { runKubectl, useKubectlHome, type KubectlRun } from './support/real-kubectl';
import { createLab, useTestServer } from './support/test-server';

const web = (image: string, replicas = 3) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: ${image}\n        ports:\n        - containerPort: 80\n`;

/**
 * Deployments through the real kubectl (v1.32): apply, get deploy/rs, scale, set image, rollout
 * restart/status, delete — the same steps on a twin lab through the lab shell print the same.
 */
describe('Deployments with the real kubectl', () => {
  const server = useTestServer();
  const home = useKubectlHome();
  let api: CreatedLab;
  let twin: CreatedLab;
  let kubeconfig: string;
  const files: Record<string, string> = {};

  const request = (lab: CreatedLab, path: string, body?: unknown) =>
    fetch(`${server.url}/api/labs/${lab.id}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${lab.tokens.student}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const shell = async (lab: CreatedLab, command: string): Promise<KubectlRun> => {
    const response = await request(lab, '/exec', { command });
    expect(response.status).toBe(200);
    const out = await response.json();
    return { rc: out.exitCode, stdout: out.stdout, stderr: out.stderr };
  };
  const kubectl = (args: string[]): Promise<KubectlRun> => runKubectl(home, kubeconfig, args.map((a) => files[a] ?? a));
  /** The command through real kubectl on one lab and through the shell on its twin: same output, same exit code. */
  const both = async (args: string[]) => {
    const real = await kubectl(args);
    const lab = await shell(twin, `kubectl ${args.join(' ')}`);
    expect({ stdout: real.stdout, stderr: real.stderr, rc: real.rc }).toEqual(lab);
    return real;
  };
  /**
   * describe through both: the same text, except that kubectl ages Events by the wall clock and the shell by the lab's
   * (paused) one: the Events rows are compared with their ages left out.
   */
  const describeBoth = async (args: string[]) => {
    const real = await kubectl(args);
    const lab = await shell(twin, `kubectl ${args.join(' ')}`);
    const split = (text: string) => {
      const at = text.indexOf('\nEvents:');
      const rows = text.slice(at).split('\n').map((line) => line.replace(/^(  Normal\s+\S+\s+)\S+\s+/, '$1').replace(/\s+/g, ' '));
      return { head: text.slice(0, at), rows };
    };
    expect({ ...split(real.stdout), stderr: real.stderr, rc: real.rc }).toEqual({ ...split(lab.stdout), stderr: lab.stderr, rc: lab.rc });
    return real;
  };
  const events = async (lab: CreatedLab, after: number) => ((await (await request(lab, `/events?after=${after}&limit=1000`)).json()) as { type: string; data: Record<string, unknown> }[]).map((e) => e);
  const version = async (lab: CreatedLab) => ((await (await request(lab, '')).json()) as { version: number }).version;

  beforeAll(async () => {
    // Both clocks paused from creation: the twins stand at the same simulated instant, so AGE columns agree.
    const create = () => createLab(server.url, { name: 'deploy', scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } });
    [api, twin] = [await create(), await create()];
    for (const lab of [api, twin]) {
      for (const [name, content] of [['web.yaml', web('nginx:1.27')], ['web-4.yaml', web('nginx:1.27', 4)]]) expect((await request(lab, '/files', { name, content })).status).toBe(201);
    }
    for (const [name, content] of [['web.yaml', web('nginx:1.27')], ['web-4.yaml', web('nginx:1.27', 4)]]) {
      files[name] = join(home, name);
      writeFileSync(files[name], content);
    }
    kubeconfig = join(home, 'api.kubeconfig');
    writeFileSync(kubeconfig, await (await request(api, '/kubeconfig')).text());
  });

  it('over REST: POST /apply creates a Deployment (its pods in the answer), DELETE /objects/deployments removes it with them', async () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'nginx' }] } } } };
    // On both twins, so that they go on deciding alike.
    for (const lab of [api, twin]) {
      const applied = await request(lab, '/apply', manifest);
      expect(applied.status).toBe(200);
      const body = await applied.json();
      expect(body.results).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'api', action: 'created' })]);
      expect(body.events.filter((e: { type: string }) => e.type === 'PodCreated')).toHaveLength(2);
      const remove = () => fetch(`${server.url}/api/labs/${lab.id}/objects/deployments/default/api`, { method: 'DELETE', headers: { authorization: `Bearer ${lab.tokens.student}` } });
      const deleted = await remove();
      expect(deleted.status).toBe(200);
      expect(((await deleted.json()).events as { type: string }[]).map((e) => e.type)).toEqual(['PodDeleted', 'PodDeleted', 'DeploymentDeleted']);
      expect((await remove()).status).toBe(404);
    }
  });

  it('discovery lists deployments (deploy, with scale) and replicasets (rs) under apps/v1', async () => {
    const run = await kubectl(['api-resources', '--api-group=apps']);
    expect(run.rc).toBe(0);
    expect(run.stdout).toMatch(/\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    expect(run.stdout).toMatch(/\nreplicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet\n/);
  });

  it('get deploy -A shows coredns in kube-system, 1/1, as minikube has it', async () => {
    const run = await both(['get', 'deploy', '-A']);
    expect(run.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nkube-system\s+coredns\s+1\/1\s+1\s+1\s+\S+\n$/);
    const rs = await both(['get', 'rs', '-n', 'kube-system']);
    expect(rs.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\ncoredns-[a-z0-9]+\s+1\s+1\s+1\s+\S+\n$/);
  });

  it('describe ds kube-proxy / kube-flannel-ds and describe endpoints kube-dns print what the real kubectl prints', async () => {
    const proxy = await both(['describe', 'ds', 'kube-proxy', '-n', 'kube-system']);
    expect(proxy.stdout).toMatch(/^Name:\s+kube-proxy\nSelector:\s+k8s-app=kube-proxy\nNode-Selector:\s+kubernetes.io\/os=linux\n/);
    expect(proxy.stdout).toContain('Desired Number of Nodes Scheduled: 3\n');
    expect(proxy.stdout).toMatch(/\nPods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
    expect(proxy.stdout).toMatch(/\n {6}--hostname-override=\$\(NODE_NAME\)\n/);
    const flannel = await both(['describe', 'daemonsets', 'kube-flannel-ds', '-n', 'kube-flannel']);
    expect(flannel.stdout).toMatch(/\n  Init Containers:\n   install-cni-plugin:\n/);
    const dns = await both(['describe', 'endpoints', 'kube-dns', '-n', 'kube-system']);
    expect(dns.stdout).toMatch(/\nSubsets:\n  Addresses:\s+10\.244\.0\.\d+\n  NotReadyAddresses:\s+<none>\n  Ports:\n    Name\s+Port\s+Protocol\n/);
    const apiserver = await both(['describe', 'endpoints', 'kubernetes']);
    expect(apiserver.stdout).toMatch(/\nSubsets:\n  Addresses:\s+192\.168\.49\.2\n  NotReadyAddresses:\s+<none>\n  Ports:\n    Name\s+Port\s+Protocol\n    ----\s+----\s+--------\n    https\s+8443\s+TCP\n/);
    expect((await both(['get', 'ep', 'kubernetes'])).stdout).toMatch(/\nkubernetes\s+192\.168\.49\.2:8443\s+\S+\n$/);
    expect((await both(['describe', 'ep', 'nope'])).stderr).toBe('Error from server (NotFound): endpoints "nope" not found\n');
    expect((await both(['rollout', 'status', 'ds/kube-proxy', '-n', 'kube-system'])).stdout).toBe('daemon set "kube-proxy" successfully rolled out\n');
  });

  it('apply -f creates web (3 pods of one ReplicaSet), again prints unchanged; get deploy/rs -o wide and -o yaml', async () => {
    expect((await both(['apply', '-f', 'web.yaml'])).stdout).toBe('deployment.apps/web created\n');
    expect((await kubectl(['apply', '-f', 'web.yaml'])).stdout).toBe('deployment.apps/web unchanged\n');
    await both(['get', 'deploy', '-o', 'wide']);
    const rs = await both(['get', 'rs', '-o', 'wide']);
    expect(rs.stdout).toMatch(/\nweb-([a-z0-9]+)\s+3\s+3\s+3\s+\S+\s+nginx\s+nginx:1\.27\s+app=web,pod-template-hash=\1\n$/);
    const yaml = parseYaml((await kubectl(['get', 'deploy', 'web', '-o', 'yaml'])).stdout);
    expect(yaml).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
      status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
    });
    const described = await describeBoth(['describe', 'deploy', 'web']);
    expect(described.stdout).toMatch(/\nReplicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable\nStrategyType:\s+RollingUpdate\nMinReadySeconds:\s+0\nRollingUpdateStrategy:\s+25% max unavailable, 25% max surge\n/);
    expect(described.stdout).toMatch(/\nOldReplicaSets:\s+<none>\nNewReplicaSet:\s+web-[a-z0-9]+ \(3\/3 replicas created\)\n/);
    await both(['describe', 'rs']);
    const pods = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']);
    const items = JSON.parse(pods.stdout).items as { metadata: { name: string; ownerReferences: { kind: string; name: string }[] } }[];
    expect(items).toHaveLength(3);
    for (const pod of items) expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: pod.metadata.name.replace(/-[a-z0-9]{5}$/, '') });
  });

  it('scale deployment --replicas=4 goes through the scale subresource; get all lists pods, deployments and replicasets', async () => {
    expect((await both(['scale', 'deployment', 'web', '--replicas=4'])).stdout).toBe('deployment.apps/web scaled\n');
    await both(['get', 'deploy', 'web']);
    expect((await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trimEnd().split('\n')).toHaveLength(4);
    // -l keeps the kubernetes Service out: the API server ages it from its second-precision creationTimestamp.
    const all = await both(['get', 'all', '-l', 'app=web']);
    expect(all.stdout).toMatch(/\n\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+4\/4 /);
    expect(all.stdout).toMatch(/\n\nNAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nreplicaset\.apps\/web-[a-z0-9]+\s+4\s+4\s+4 /);
  });

  it('set image rolls the pods to a new ReplicaSet step by step; rollout status says it rolled out', async () => {
    const before = await version(api);
    expect((await both(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])).stdout).toBe('deployment.apps/web image updated\n');
    const steps = (await events(api, before)).filter((e) => e.type === 'ReplicaSetScaled').map((e) => `${e.data.name} ${e.data.from}->${e.data.replicas}`);
    expect(steps).toHaveLength(8);
    const rs = await both(['get', 'rs']);
    expect(rs.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nweb-[a-z0-9]+\s+(0\s+0\s+0|4\s+4\s+4)\s+\S+\nweb-[a-z0-9]+\s+(0\s+0\s+0|4\s+4\s+4)\s+\S+\n$/);
    expect(await both(['rollout', 'status', 'deployment/web'])).toMatchObject({ rc: 0, stdout: 'deployment "web" successfully rolled out\n' });
    const described = (await describeBoth(['describe', 'deployment', 'web'])).stdout;
    expect(described).toMatch(/\nOldReplicaSets:\s+web-[a-z0-9]+ \(0\/0 replicas created\)\nNewReplicaSet:\s+web-[a-z0-9]+ \(4\/4 replicas created\)\n/);
    const scaled = described.slice(described.indexOf('\nEvents:')).split('\n').filter((line) => line.includes('ScalingReplicaSet')).map((line) => line.replace(/^.*deployment-controller\s+/, ''));
    expect(scaled).toEqual([
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 3$/),
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 4 from 3$/),
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 1$/),
      expect.stringMatching(/^Scaled down replica set web-[a-z0-9]+ to 3 from 4$/),
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 2 from 1$/),
      expect.stringMatching(/^Scaled down replica set web-[a-z0-9]+ to 2 from 3$/),
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 3 from 2$/),
      expect.stringMatching(/^Scaled down replica set web-[a-z0-9]+ to 1 from 2$/),
      expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ to 4 from 3$/),
      expect.stringMatching(/^Scaled down replica set web-[a-z0-9]+ to 0 from 1$/),
    ]);
    const yaml = parseYaml((await kubectl(['get', 'deploy', 'web', '-o', 'yaml'])).stdout);
    expect(yaml.metadata).toMatchObject({ generation: 3, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    expect(yaml.spec.template.spec.containers[0].image).toBe('nginx:1.28');
  });

  it('rollout restart deployment adds a third ReplicaSet, rollout history lists 3 revisions, undo --to-revision=1 rolls back; delete deploy takes the pods with it', async () => {
    expect((await kubectl(['rollout', 'restart', 'deployment/web'])).stdout).toBe('deployment.apps/web restarted\n');
    expect((await shell(twin, 'kubectl rollout restart deployment/web')).stdout).toBe('deployment.apps/web restarted\n');
    const rs = await kubectl(['get', 'rs', '-o', 'name']);
    expect(rs.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect((await both(['rollout', 'history', 'deployment/web'])).stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n');
    expect((await both(['rollout', 'undo', 'deployment/web', '--to-revision=1'])).stdout).toBe('deployment.apps/web rolled back\n');
    expect(parseYaml((await kubectl(['get', 'deploy', 'web', '-o', 'yaml'])).stdout).spec.template.spec.containers[0].image).toBe('nginx:1.27');
    await both(['rollout', 'history', 'deploy', 'web']);
    expect((await both(['delete', 'deploy', 'web'])).stdout).toBe('deployment.apps "web" deleted\n');
    expect(await both(['get', 'deploy'])).toMatchObject({ stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect((await kubectl(['get', 'pods', '-l', 'app=web'])).stderr).toBe('No resources found in default namespace.\n');
  });
});
