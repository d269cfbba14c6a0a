import request from 'supertest';
import { parse } from 'yaml';
import { bearer, createLab, useTestServer } from './support/test-server';

interface CreatedLab {
  id: string;
  version: number;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

describe('lab-as-code over HTTP', () => {
  const server = useTestServer();

  const api = () => request(server.url);
  const create = (body: Record<string, unknown>) => createLab(server.url, { name: 'lab', ...body });
  const check = (lab: CreatedLab, body: unknown, role: keyof CreatedLab['tokens'] = 'student') => api().post(`/api/labs/${lab.id}/check`).set(bearer(lab.tokens[role])).send(body as object);
  /** GET /state without the version, which differs between a lab and its rebuilt copy. */
  const state = async (lab: CreatedLab) => {
    const { body } = await api().get(`/api/labs/${lab.id}/state`).set(bearer(lab.tokens.observer)).expect(200);
    return { ...body, version: undefined };
  };

  it('builds each built-in scenario, which passes its own checks', async () => {
    for (const scenario of ['minikube-flannel', 'two-vms-router', 'kubenet-cbr0']) {
      const lab = await create({ scenario });
      const { body } = await check(lab, { scenario }).expect(200);
      expect({ scenario, failed: body.checks.filter((c: { passed: boolean }) => !c.passed) }).toEqual({ scenario, failed: [] });
      expect(body.passed).toBeGreaterThan(0);
    }
  });

  it('kubenet-cbr0 answers the seed 002 commands as the seed shows them', async () => {
    const lab = await create({ scenario: 'kubenet-cbr0' });
    const exec = async (command: string, context: string) =>
      (await api().post(`/api/labs/${lab.id}/exec`).set(bearer(lab.tokens.student)).send({ command, context }).expect(200)).body as { stdout: string; exitCode: number };
    const seedTable = (pods: string) =>
      'Kernel IP routing table\n' +
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' +
      '0.0.0.0         10.0.0.1        0.0.0.0         UG    100    0        0 eth0\n' +
      '10.0.0.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0\n' +
      '10.0.0.1        0.0.0.0         255.255.255.255 UH    100    0        0 eth0\n' +
      `${pods.padEnd(15)} 0.0.0.0         255.255.255.0   U     0      0        0 cbr0\n` +
      '172.17.0.0      0.0.0.0         255.255.255.0   U     0      0        0 docker0\n';
    expect(await exec('route -n', 'node/node2')).toMatchObject({ stdout: seedTable('10.10.129.0'), exitCode: 0 });
    expect(await exec('route -n', 'node/node3')).toMatchObject({ stdout: seedTable('10.10.130.0'), exitCode: 0 });
    const wide = (await exec('kubectl get po -o wide', 'workstation')).stdout;
    expect(wide).toMatch(/^web +1\/1 +Running +0 +\S+ +10\.10\.129\.2 +node2 /m);
    expect(wide).toMatch(/^client +1\/1 +Running +0 +\S+ +10\.10\.130\.2 +node3 /m);
    expect((await exec('ip a | grep veth | wc -l', 'node/node2')).stdout).toBe('1\n');
  });

  it('grades a student lab: a passing and a failing report, and the lab is unchanged', async () => {
    const task = {
      checks: [
        { name: 'web runs', expect: { exec: 'kubectl get po web', 'stdout-contains': 'Running' } },
        { name: 'client reaches web', expect: { trace: { from: 'default/client', to: 'default/web', port: 80 }, verdict: 'delivered' } },
        { name: 'scratch pod', expect: { exec: 'kubectl run scratch --image busybox', 'stdout-contains': 'pod/scratch created' } },
      ],
    };
    const lab = await create({ scenario: 'minikube-flannel' });
    const failing = await check(lab, task).expect(200);
    expect(failing.body).toMatchObject({ passed: 1, failed: 2, version: lab.version });
    expect(failing.body.checks.map((c: { passed: boolean }) => c.passed)).toEqual([false, false, true]);
    expect(failing.body.checks[1]).toMatchObject({ kind: 'trace', actual: expect.stringContaining('error:') });

    const manifests = 'apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec: { nodeName: minikube-m02, containers: [{ name: web, image: nginx }] }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: client }\nspec: { nodeName: minikube-m03, containers: [{ name: c, image: busybox }] }\n';
    const applied = await api().post(`/api/labs/${lab.id}/apply`).set(bearer(lab.tokens.student)).set('Content-Type', 'application/yaml').send(manifests).expect(200);
    const before = await state(lab);
    const passing = await check(lab, task).expect(200);
    expect(passing.body).toMatchObject({ passed: 3, failed: 0 });
    // The clock runs, so only time may differ.
    expect({ ...(await state(lab)), time: 0 }).toEqual({ ...before, time: 0 });
    expect(passing.body.version).toBe(applied.body.version);
    const events = await api().get(`/api/labs/${lab.id}/events`).set(bearer(lab.tokens.observer)).expect(200);
    expect(events.body.some((e: { data: { name?: string } }) => e.data?.name === 'scratch')).toBe(false);
  });

  it('accepts YAML bodies and documents as objects, and names bad fields with their lines', async () => {
    const lab = await create({ scenario: 'two-vms-router' });
    const yamlCheck = 'checks:\n  - expect:\n      trace: { from: default/pod1, to: default/pod3, port: 80 }\n      verdict: delivered\n';
    const ok = await api().post(`/api/labs/${lab.id}/check`).set(bearer(lab.tokens.observer)).set('Content-Type', 'application/yaml').send(yamlCheck).expect(200);
    expect(ok.body).toMatchObject({ passed: 1, failed: 0 });
    const bad = await api().post(`/api/labs/${lab.id}/check`).set(bearer(lab.tokens.observer)).set('Content-Type', 'application/yaml').send(yamlCheck.replace('verdict: delivered', 'verdict: maybe')).expect(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors).toEqual([{ path: 'scenario.checks[0].expect.verdict', message: expect.stringContaining('delivered'), line: 4, column: 16 }]);
    await check(lab, { scenario: 'nope' }).expect(422);
  });

  it('creates a lab from an inline scenario, and refuses a bad one with the step and line', async () => {
    const document = 'cluster: { cni: { plugin: flannel, backend: host-gw } }\nnodes: [{}, {}]\nsteps:\n  - run: kubectl run web --image nginx\n  - advance: 45s\n';
    const lab = await create({ scenario: document });
    const body = await state(lab);
    expect(body.time).toBeGreaterThanOrEqual(45_000);
    expect(body.nodes.map((n: { name: string }) => n.name)).toEqual(['minikube', 'minikube-m02']);
    expect(body.pods.some((p: { name: string; phase: string }) => p.name === 'web' && p.phase === 'Running')).toBe(true);

    const refused = await api().post('/api/labs').send({ name: 'bad', scenario: 'nodes: [{}]\nsteps:\n  - run: kubectl run web --image nginx\n  - run: kubectl run web --image nginx\n' }).expect(422);
    expect(refused.body.errors).toEqual([{ path: 'scenario.steps[1].run', message: expect.stringContaining('already exists'), line: 4, column: 10 }]);
    const inline = await api().post('/api/labs').send({ name: 'bad', scenario: { nodes: [{ ip: 'x' }] } }).expect(422);
    expect(inline.body.errors).toEqual([{ path: 'scenario.nodes[0].ip', message: expect.stringContaining('IPv4') }]);
  });

  it('documents the routes in OpenAPI', async () => {
    const { body } = await api().get('/api/docs-json').expect(200);
    expect(body.paths['/api/labs/{lab}/check'].post.responses['200'].content['application/json'].schema.properties.checks).toBeDefined();
    expect(body.paths['/api/labs/{lab}/scenario'].get.responses['200']).toBeDefined();
    const createLab = body.paths['/api/labs'].post.requestBody.content['application/json'].schema.properties;
    expect(createLab.cluster.properties.cni).toBeDefined();
    expect(createLab.scenario.description).toContain('kubenet-cbr0');
  });

  it('exports any lab as a scenario that rebuilds it: same state, same check results', async () => {
    const lab = await create({ scenario: 'two-vms-router' });
    const headers = bearer(lab.tokens.instructor);
    await api().post(`/api/labs/${lab.id}/exec`).set(headers).send({ command: 'kubectl delete pod pod2' }).expect(200);
    await api().post(`/api/labs/${lab.id}/apply`).set(headers).send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } }).expect(200);
    const extra = 'apiVersion: v1\nkind: Pod\nmetadata: { name: late, namespace: shop, labels: { app: late } }\nspec: { nodeName: vm1, containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: late, namespace: shop }\nspec: { selector: { app: late }, ports: [{ port: 8080, targetPort: 80 }] }\n';
    await api().post(`/api/labs/${lab.id}/apply`).set(headers).set('Content-Type', 'application/yaml').send(extra).expect(200);
    await api().post(`/api/labs/${lab.id}/files`).set(headers).send({ name: 'notes.txt', content: 'hello\n' }).expect(201);
    await api().post(`/api/labs/${lab.id}/clock`).set(headers).send({ advance: '2m', speed: 0 }).expect(201);

    const exported = await api().get(`/api/labs/${lab.id}/scenario`).set(bearer(lab.tokens.observer)).expect(200);
    expect(exported.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parse(exported.text).files).toEqual([{ name: 'notes.txt', content: 'hello\n' }]);
    const copy = await create({ scenario: exported.text });
    expect(await state(copy)).toEqual(await state(lab));

    const checks = { checks: [
      { expect: { trace: { from: 'shop/late', to: 'default/pod3', port: 80 }, verdict: 'delivered' } },
      { expect: { trace: { from: 'default/pod1', to: { service: 'shop/late' }, port: 8080 }, verdict: 'delivered' } },
      { expect: { exec: 'kubectl get po -A', 'stdout-contains': 'pod2' } },
      { expect: { exec: 'cat notes.txt', 'stdout-contains': 'hello' } },
    ] };
    const original = (await check(lab, checks).expect(200)).body;
    const rebuilt = (await check(copy, checks).expect(200)).body;
    expect(rebuilt.checks).toEqual(original.checks);
    expect(original.checks.map((c: { passed: boolean }) => c.passed)).toEqual([true, true, false, true]);
  });
});
