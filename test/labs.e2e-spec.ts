import request from 'supertest';
import { bearer, startServer, tempDatabase, useTestServer } from './support/test-server';

const problemType = /^application\/problem\+json/;

describe('labs over HTTP', () => {
  const server = useTestServer();

  const api = () => request(server.url);

  async function createLab(name = 'lab-1', extra: Record<string, unknown> = {}) {
    const response = await api().post('/api/labs').send({ name, ...extra }).expect(201);
    return response.body as { id: string; name: string; version: number; tokens: Record<string, string> };
  }

  it('creates a lab with three distinct tokens and a LabCreated event carrying the defaulted cluster', async () => {
    const lab = await createLab('flannel-lab');
    expect(lab.name).toBe('flannel-lab');
    // LabCreated, then the built-in services the lab starts with (kubernetes, kube-dns).
    expect(lab.version).toBe(3);
    expect(new Set(Object.values(lab.tokens)).size).toBe(3);
    expect(Object.keys(lab.tokens).sort()).toEqual(['instructor', 'observer', 'student']);

    const events = await api().get(`/api/labs/${lab.id}/events`).set(bearer(lab.tokens.observer)).expect(200);
    expect(events.headers.etag).toBe('"3"');
    expect(events.body.map((e: { type: string }) => e.type)).toEqual(['LabCreated', 'ServiceApplied', 'ServiceApplied']);
    expect(events.body[0]).toMatchObject({ seq: 1, type: 'LabCreated', version: 1, actor: 'instructor', time: 0 });
    expect(events.body[0].data.cluster.cni).toEqual({ plugin: 'flannel', backend: 'vxlan', encryption: null });
    expect(typeof events.body[0].recordedAt).toBe('string');
  });

  it('serves a lab to each of its roles and lists the labs a token belongs to', async () => {
    const lab = await createLab('roles');
    for (const role of ['instructor', 'student', 'observer']) {
      const response = await api().get(`/api/labs/${lab.id}`).set(bearer(lab.tokens[role])).expect(200);
      expect(response.body).toMatchObject({ id: lab.id, name: 'roles', version: lab.version, role });
      expect(response.headers.etag).toBe(`"${lab.version}"`);
    }
    const other = await createLab('other');
    const listed = await api().get('/api/labs').set(bearer(lab.tokens.student)).expect(200);
    expect(listed.body.map((l: { id: string }) => l.id)).toEqual([lab.id]);
    expect(listed.body.map((l: { id: string }) => l.id)).not.toContain(other.id);
  });

  it('answers 401 without a token or with a token of another lab', async () => {
    const a = await createLab('a');
    const b = await createLab('b');
    const none = await api().get('/api/labs').expect(401);
    expect(none.headers['content-type']).toMatch(problemType);
    expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    await api().get(`/api/labs/${a.id}`).expect(401);
    const foreign = await api().get(`/api/labs/${a.id}`).set(bearer(b.tokens.instructor)).expect(401);
    expect(foreign.body.detail).toContain(a.id);
    await api().get(`/api/labs/${a.id}`).set(bearer('not-a-token')).expect(401);
  });

  it('answers 404 for an unknown lab and an unknown route', async () => {
    const lab = await createLab('x');
    const missing = await api().get('/api/labs/0000000000000000').set(bearer(lab.tokens.instructor)).expect(404);
    expect(missing.headers['content-type']).toMatch(problemType);
    expect(missing.body).toMatchObject({ status: 404, title: 'Not Found' });
    const route = await api().get('/api/nothing-here').expect(404);
    expect(route.headers['content-type']).toMatch(problemType);
    expect(route.body.type).toMatch(/not-found$/);
  });

  it('lets only the instructor delete a lab, and then the lab is gone', async () => {
    const lab = await createLab('doomed');
    const student = await api().delete(`/api/labs/${lab.id}`).set(bearer(lab.tokens.student)).expect(403);
    expect(student.headers['content-type']).toMatch(problemType);
    expect(student.body.detail).toContain('student');
    await api().delete(`/api/labs/${lab.id}`).set(bearer(lab.tokens.observer)).expect(403);
    await api().get(`/api/labs/${lab.id}`).set(bearer(lab.tokens.observer)).expect(200);
    await api().delete(`/api/labs/${lab.id}`).set(bearer(lab.tokens.instructor)).expect(204);
    await api().get(`/api/labs/${lab.id}`).set(bearer(lab.tokens.instructor)).expect(404);
    const listed = await api().get('/api/labs').set(bearer(lab.tokens.instructor)).expect(200);
    expect(listed.body).toEqual([]);
  });

  it('rejects malformed and invalid bodies with 400 problems and creates nothing', async () => {
    const malformed = await api().post('/api/labs').set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(malformed.headers['content-type']).toMatch(problemType);
    expect(malformed.body.detail).toMatch(/not valid JSON/);

    const invalid = await api().post('/api/labs').send({ name: '', cluster: { cni: { plugin: 'flannel', backend: 'ipip' } } }).expect(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['cluster.cni.backend', 'name']);

    const unknownField = await api().post('/api/labs').send({ name: 'n', colour: 'red' }).expect(400);
    expect(unknownField.body.errors[0].message).toMatch(/colour/);

    await api().get('/api/labs/x/events?after=-1').expect(401);
  });

  it('rejects an unknown scenario with 422 and creates no lab', async () => {
    const response = await api().post('/api/labs').send({ name: 's', scenario: 'no-such-scenario' }).expect(422);
    expect(response.body.errors).toEqual([{ path: 'scenario', message: 'unknown scenario' }]);
    expect(response.body.detail).toContain('minikube-flannel');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await api().post('/api/labs').send({ name: 'big', padding: 'x'.repeat(100_000) }).expect(413);
    expect(response.headers['content-type']).toMatch(problemType);
    expect(response.body).toMatchObject({ status: 413 });
  });

  it('validates the events query and pages with after/limit', async () => {
    const lab = await createLab('paging');
    const bad = await api().get(`/api/labs/${lab.id}/events?after=-1`).set(bearer(lab.tokens.observer)).expect(400);
    expect(bad.body.errors[0].path).toBe('after');
    const empty = await api().get(`/api/labs/${lab.id}/events?after=${lab.version}`).set(bearer(lab.tokens.observer)).expect(200);
    expect(empty.body).toEqual([]);
    const limited = await api().get(`/api/labs/${lab.id}/events?after=0&limit=1`).set(bearer(lab.tokens.observer)).expect(200);
    expect(limited.body.map((e: { seq: number }) => e.seq)).toEqual([1]);
  });

  it('reports health and serves the OpenAPI document', async () => {
    const health = await api().get('/api/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const docs = await api().get('/api/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/labs', '/api/labs/{lab}', '/api/labs/{lab}/events', '/api/health']),
    );
    expect(docs.body.paths['/api/labs'].post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
  });
});

describe('a restarted server', () => {
  it('keeps labs, tokens and events', async () => {
    const database = tempDatabase();
    try {
      const first = await startServer({ databaseUrl: database.url });
      const created = await request(first.url).post('/api/labs').send({ name: 'durable' }).expect(201);
      await first.app.close();

      const second = await startServer({ databaseUrl: database.url });
      try {
        const { id, tokens } = created.body;
        const lab = await request(second.url).get(`/api/labs/${id}`).set('Authorization', `Bearer ${tokens.student}`).expect(200);
        expect(lab.body).toMatchObject({ id, name: 'durable', version: created.body.version });
        const events = await request(second.url).get(`/api/labs/${id}/events`).set('Authorization', `Bearer ${tokens.student}`).expect(200);
        expect(events.body.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: created.body.version }, (_, i) => i + 1));
        expect(events.body[0].type).toBe('LabCreated');
      } finally {
        await second.app.close();
      }
    } finally {
      database.cleanup();
    }
  });
});
