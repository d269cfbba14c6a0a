import request from 'supertest';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { createLab, useTestServer } from './support/test-server';

interface CreatedLab {
  id: string;
  version: number;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

describe('the event-sourced lab API', () => {
  const server = useTestServer({ snapshotEvery: 4 });

  const api = () => request(server.url);
  const as = (lab: CreatedLab, role: keyof CreatedLab['tokens'] = 'student') => ({ Authorization: `Bearer ${lab.tokens[role]}` });
  const newLab = (body: Record<string, unknown> = {}) => createLab(server.url, { name: 'lab', ...body });
  const stateOf = async (lab: CreatedLab, at?: number) =>
    (await api().get(`/api/labs/${lab.id}/state${at ? `?at=${at}` : ''}`).set(as(lab, 'observer')).expect(200)).body;
  const eventCount = async (lab: CreatedLab) => (await api().get(`/api/labs/${lab.id}/events?limit=10000`).set(as(lab, 'observer')).expect(200)).body.length;

  /** What a client sees now, then what the store alone rebuilds: they must be equal. */
  async function expectLiveEqualsReplay(lab: CreatedLab) {
    const live = await stateOf(lab);
    server.app.get(LabRuntime).evictAll();
    const rebuilt = await stateOf(lab);
    expect(rebuilt).toEqual({ ...live, time: rebuilt.time });
    return live;
  }

  it('builds minikube-flannel: three nodes as minikube names and addresses them, with their system pods', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const state = await stateOf(lab);
    expect(state.nodes.map((n: { name: string; ip: string; podCIDR: string }) => [n.name, n.ip, n.podCIDR])).toEqual([
      ['minikube', '192.168.49.2', '10.244.0.0/24'],
      ['minikube-m02', '192.168.49.3', '10.244.1.0/24'],
      ['minikube-m03', '192.168.49.4', '10.244.2.0/24'],
    ]);
    expect(state.namespaces.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-flannel']));
    expect(state.pods.filter((p: { name: string }) => p.name.startsWith('kube-flannel-ds-'))).toHaveLength(3);
    expect(state.version).toBe(lab.version);
    await expectLiveEqualsReplay(lab);
  });

  it('lets a cluster override a scenario', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel', cluster: { nodeNetwork: '192.168.67.0/24' } });
    expect((await stateOf(lab)).nodes.map((n: { ip: string }) => n.ip)).toEqual(['192.168.67.2', '192.168.67.3', '192.168.67.4']);
  });

  it('appends one or more events per mutation and answers the new version', async () => {
    const lab = await newLab();
    const added = await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).send({}).expect(201);
    expect(added.headers.etag).toBe(`"${added.body.version}"`);
    expect(added.body.events[0]).toMatchObject({ seq: lab.version + 1, type: 'NodeAdded', actor: 'student' });
    // API.md's Event, nothing of the store's bookkeeping.
    expect(Object.keys(added.body.events[0]).sort()).toEqual(['actor', 'data', 'recordedAt', 'seq', 'time', 'type', 'version']);
    expect(added.body.version).toBe(added.body.events[added.body.events.length - 1].seq);

    const applied = await api()
      .post(`/api/labs/${lab.id}/apply`)
      .set(as(lab))
      .set('Content-Type', 'application/yaml')
      .send('apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  labels:\n    app: app\nspec:\n  containers:\n  - name: app\n    image: nicolaka/netshoot\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n')
      .expect(200);
    expect(applied.body.results.map((r: { resource: string; name: string; action: string }) => `${r.resource}/${r.name} ${r.action}`)).toEqual([
      'pod/app created',
      'namespace/x created',
    ]);
    const pod = (await stateOf(lab)).pods.find((p: { name: string }) => p.name === 'app');
    expect(pod).toMatchObject({ namespace: 'default', node: 'minikube', ip: '10.244.0.3', labels: { app: 'app' }, phase: 'Running' });

    const again = await api().post(`/api/labs/${lab.id}/apply`).set(as(lab)).send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }).expect(200);
    expect(again.body).toMatchObject({ version: applied.body.version, events: [], results: [{ name: 'x', action: 'unchanged' }] });

    const deleted = await api().delete(`/api/labs/${lab.id}/objects/pods/default/app`).set(as(lab)).expect(200);
    expect(deleted.body.events.map((e: { type: string }) => e.type)).toContain('PodDeleted');
    expect((await stateOf(lab)).pods.find((p: { name: string }) => p.name === 'app')).toBeUndefined();
    await expectLiveEqualsReplay(lab);
  });

  it('adds routers and removes nodes with their pods', async () => {
    const lab = await newLab({ scenario: 'two-vms-router' });
    const state = await stateOf(lab);
    expect(state.routers).toHaveLength(1);
    // vm1 is the control plane: coredns took 10.10.10.2 there.
    expect(state.pods.filter((p: { namespace: string }) => p.namespace === 'default').map((p: { ip: string }) => p.ip).sort()).toEqual([
      '10.10.10.3',
      '10.10.10.4',
      '10.10.11.2',
      '10.10.11.3',
    ]);
    await api().delete(`/api/labs/${lab.id}/nodes/vm2`).set(as(lab)).expect(200);
    const after = await stateOf(lab);
    expect(after.nodes.map((n: { name: string }) => n.name)).toEqual(['vm1']);
    expect(after.pods.some((p: { node: string }) => p.node === 'vm2')).toBe(false);
    await expectLiveEqualsReplay(lab);
  });

  it('deletes services and network policies, and moves the lab to another plugin with new pod addresses', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } };
    const web = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { nodeName: 'minikube-m02', containers: [{ name: 'web', image: 'nginx' }] } };
    await api().post(`/api/labs/${lab.id}/apply`).set(as(lab)).send({ apiVersion: 'v1', kind: 'List', items: [svc, policy, web] }).expect(200);
    let state = await stateOf(lab);
    expect(state.services.map((s: { name: string }) => s.name)).toContain('web');
    expect(state.networkPolicies.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['deny']);
    const before = state.pods.find((p: { name: string }) => p.name === 'web').ip;
    expect(before).toMatch(/^10\.244\.1\./);
    expect(state.services.find((s: { name: string }) => s.name === 'web')).toMatchObject({ type: 'ClusterIP', clusterIP: expect.stringMatching(/^10\.(9[6-9]|10\d|11[01])\./), endpoints: [`${before}:80`] });

    await api().delete(`/api/labs/${lab.id}/objects/services/default/web`).set(as(lab)).expect(200);
    await api().delete(`/api/labs/${lab.id}/objects/networkpolicies/default/deny`).set(as(lab)).expect(200);
    await api().delete(`/api/labs/${lab.id}/objects/services/default/web`).set(as(lab)).expect(404);

    const moved = await api().post(`/api/labs/${lab.id}/cni`).set(as(lab)).send({ plugin: 'calico' }).expect(201);
    expect(moved.body.events.map((e: { type: string }) => e.type)).toContain('PluginChanged');
    state = await stateOf(lab);
    expect(state.cluster.cni).toMatchObject({ plugin: 'calico', backend: 'ipip' });
    expect(state.services.map((s: { name: string }) => s.name)).not.toContain('web');
    expect(state.networkPolicies).toEqual([]);
    const after = state.pods.find((p: { name: string }) => p.name === 'web');
    expect(after.ip).not.toBe(before);
    expect(after.node).toBe('minikube-m02');
    await api().post(`/api/labs/${lab.id}/cni`).set(as(lab)).send({ plugin: 'ovn' }).expect(400);
    await api().post(`/api/labs/${lab.id}/cni`).set(as(lab, 'observer')).send({ plugin: 'weave' }).expect(403);
    await expectLiveEqualsReplay(lab);
  });

  it('honours If-Match and appends nothing on a mismatch', async () => {
    const lab = await newLab();
    const stale = await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).set('If-Match', `"${lab.version + 5}"`).send({}).expect(409);
    expect(stale.headers['content-type']).toMatch(/problem\+json/);
    expect(stale.body.detail).toContain(`version ${lab.version}`);
    expect(await eventCount(lab)).toBe(lab.version);
    await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).set('If-Match', `"${lab.version}"`).send({}).expect(201);
    await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).set('If-Match', 'yesterday').send({}).expect(400);
  });

  it('refuses bad input with clear problems and appends nothing', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const before = await eventCount(lab);
    const post = (path: string) => api().post(`/api/labs/${lab.id}/${path}`).set(as(lab));

    const malformed = await post('apply').set('Content-Type', 'application/yaml').send('kind: Pod\n  metadata: [\n').expect(400);
    expect(malformed.body.detail).toMatch(/not valid YAML/);

    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    await post('apply').set('Content-Type', 'application/yaml').send(bomb).expect(400);

    const secondBad = await post('apply')
      .set('Content-Type', 'application/yaml')
      .send('apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: c\n')
      .expect(422);
    expect(secondBad.body.errors).toEqual([{ path: 'documents[1].spec.containers[0].image', message: 'Required value' }]);

    const badName = await post('apply').send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }).expect(422);
    expect(badName.body.detail).toMatch(/RFC 1123/);
    await post('apply').send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'nope' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }).expect(422);
    const unknownNode = await post('apply').send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'ghost', containers: [{ name: 'c', image: 'nginx' }] } });
    expect(unknownNode.status).toBe(404);
    await post('apply').send({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }).expect(422);
    await post('nodes').send({ name: 'minikube' }).expect(409);
    await post('nodes').send({ podCIDR: '10.0.0.0/24' }).expect(422);
    await post('nodes').send({ ip: 'not-an-ip' }).expect(400);
    await api().delete(`/api/labs/${lab.id}/nodes/ghost`).set(as(lab)).expect(404);
    await api().delete(`/api/labs/${lab.id}/objects/widgets/default/x`).set(as(lab)).expect(404);
    await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab, 'observer')).send({}).expect(403);

    expect(await eventCount(lab)).toBe(before);
  });

  it('travels in time: the state as of any seq, and a clear error beyond the version', async () => {
    const lab = await newLab();
    const versions: number[] = [];
    for (let i = 0; i < 5; i++) versions.push((await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).send({}).expect(201)).body.version);
    for (const [i, version] of versions.entries()) {
      const past = await stateOf(lab, version);
      expect(past.version).toBe(version);
      expect(past.nodes).toHaveLength(i + 1);
    }
    expect((await stateOf(lab, 1)).nodes).toEqual([]);
    const future = await api().get(`/api/labs/${lab.id}/state?at=${versions[4] + 1}`).set(as(lab)).expect(422);
    expect(future.body.errors[0].path).toBe('at');
    await api().get(`/api/labs/${lab.id}/state?at=zero`).set(as(lab)).expect(400);
  });

  it('runs a simulated clock that can be paused, sped up and advanced', async () => {
    const lab = await newLab();
    const paused = await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({ speed: 0 }).expect(201);
    expect(paused.body.events.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([['ClockChanged', { speed: 0 }]]);
    const frozen = (await stateOf(lab)).time;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await stateOf(lab)).time).toBe(frozen);
    expect((await stateOf(lab)).cluster.clock.speed).toBe(0);

    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({ advance: '1m30s' }).expect(201);
    expect((await stateOf(lab)).time).toBe(frozen + 90_000);
    const node = await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).send({}).expect(201);
    expect(node.body.events[0].time).toBe(frozen + 90_000);

    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({ speed: 100 }).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await stateOf(lab)).time).toBeGreaterThan(frozen + 90_000);

    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({ advance: 'soon' }).expect(400);
    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({}).expect(400);
    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab)).send({ speed: -1 }).expect(400);
    await api().post(`/api/labs/${lab.id}/clock`).set(as(lab, 'observer')).send({ speed: 1 }).expect(403);
    await expectLiveEqualsReplay(lab);
  });

  it('forks a lab at a seq; parent and fork then evolve independently', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const forkPoint = lab.version;
    await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).send({}).expect(201);

    await api().post(`/api/labs/${lab.id}/fork`).set(as(lab, 'student')).send({}).expect(403);
    const beyond = await api().post(`/api/labs/${lab.id}/fork`).set(as(lab, 'instructor')).send({ at: 10_000 }).expect(422);
    expect(beyond.body.errors[0].path).toBe('at');

    const fork = (await api().post(`/api/labs/${lab.id}/fork`).set(as(lab, 'instructor')).send({ at: forkPoint, name: 'branch' }).expect(201)).body;
    expect(fork).toMatchObject({ name: 'branch', version: forkPoint, parentLabId: lab.id, forkSeq: forkPoint });
    expect(fork.tokens.instructor).not.toBe(lab.tokens.instructor);
    await api().get(`/api/labs/${fork.id}`).set(as(lab, 'instructor')).expect(401);
    const info = await api().get(`/api/labs/${fork.id}`).set(as(fork, 'observer')).expect(200);
    expect(info.body).toMatchObject({ parentLabId: lab.id, forkSeq: forkPoint });

    expect(await stateOf(fork)).toEqual({ ...(await stateOf(lab, forkPoint)), time: expect.any(Number) });
    await api().post(`/api/labs/${fork.id}/nodes`).set(as(fork)).send({ name: 'only-in-fork' }).expect(201);
    expect((await stateOf(fork)).nodes.map((n: { name: string }) => n.name)).toEqual(['minikube', 'minikube-m02', 'minikube-m03', 'only-in-fork']);
    expect((await stateOf(lab)).nodes.map((n: { name: string }) => n.name)).toEqual(['minikube', 'minikube-m02', 'minikube-m03', 'minikube-m04']);
  });

  it('loses nothing when 20 clients mutate one lab at once, and never shows two states for one version', async () => {
    const lab = await newLab();
    await api().post(`/api/labs/${lab.id}/nodes`).set(as(lab)).send({}).expect(201);
    const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api().post(`/api/labs/${lab.id}/apply`).set(as(lab)).send(pod(i))));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const versions = responses.map((r) => r.body.version);
    expect(new Set(versions).size).toBe(20);

    const events = (await api().get(`/api/labs/${lab.id}/events?limit=10000`).set(as(lab)).expect(200)).body as { seq: number }[];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const state = await expectLiveEqualsReplay(lab);
    expect(state.pods.filter((p: { namespace: string }) => p.namespace === 'default')).toHaveLength(20);
    const ips = state.pods.filter((p: { namespace: string }) => p.namespace === 'default').map((p: { ip: string }) => p.ip);
    expect(new Set(ips).size).toBe(20);

    // Each response's version names exactly the state that includes its pod and none decided after it.
    for (const response of responses) {
      const at = await stateOf(lab, response.body.version);
      const name = response.body.events[0].data.name;
      expect(at.pods.some((p: { name: string }) => p.name === name)).toBe(true);
    }
  });
});
