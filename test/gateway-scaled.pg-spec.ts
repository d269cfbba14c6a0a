import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { LiveBroadcaster } from '../apps/server/src/gateway/live-broadcaster.service';
import { connected, labClient, type CreatedLab, type LabClient } from './support/lab-sockets';
import { bearer, startServer, type TestServer } from './support/test-server';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('two server instances on one Postgres and Redis', () => {
  const schema = `gateway_${randomBytes(4).toString('hex')}`;
  const servers: TestServer[] = [];
  const clients: LabClient[] = [];

  beforeAll(async () => {
    // One after the other: the migrations take an advisory lock anyway.
    for (let i = 0; i < 2; i++) servers.push(await startServer({ databaseUrl: DATABASE_URL, databaseSchema: schema, redisUrl: REDIS_URL, socketMessagesPerSecond: 1000 }));
    // The Redis streams adapter starts reading the stream asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const server of servers) await server.app.close();
    const pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
  });

  it('gives every client on either instance the same history, with no gap or duplicate, while both instances write', async () => {
    const [a, b] = servers;
    const lab = (await request(a.url).post('/api/labs').send({ name: 'scaled', scenario: 'minikube-flannel' }).expect(201)).body as CreatedLab;
    for (const server of [a, b, a, b]) clients.push(labClient(server.url, { token: lab.tokens.student, lab: lab.id, after: 0 }));
    await Promise.all(clients.map(connected));

    // None of the writes names a version (no If-Match): one that loses the race to the other instance is retried on fresh state, never refused.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const server = i % 2 === 0 ? a : b;
      writes.push(request(server.url).post(`/api/labs/${lab.id}/clock`).set({ Authorization: `Bearer ${lab.tokens.student}` }).send({ advance: '1s' }).then((response) => response.status));
      writes.push(clients[i % clients.length].socket.emitWithAck('command', { type: 'clock', advance: '1s' }).then((ack: { ok: boolean; error?: { status: number } }) => (ack.ok ? 'ok' : ack.error?.status)));
    }
    const outcomes = await Promise.all(writes);
    expect(outcomes).toEqual(Array.from({ length: 20 }, () => [201, 'ok']).flat());
    const appended = outcomes.length;

    const stored = (await request(b.url).get(`/api/labs/${lab.id}/events?limit=10000`).set({ Authorization: `Bearer ${lab.tokens.observer}` }).expect(200)).body as { seq: number }[];
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.length).toBe(lab.version + appended);
    await Promise.all(clients.map((client) => client.until(stored.length)));
    for (const client of clients) expect(client.events).toEqual(stored);
  });

  it("keeps a lab's live state current on an instance that only watches it: reads and derived occurrences follow the other's writes, once each", async () => {
    const [a, b] = servers;
    const lab = (await request(a.url).post('/api/labs').send({ name: 'watched', scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } }).expect(201)).body as CreatedLab;
    const [onA, onB] = [labClient(a.url, { token: lab.tokens.observer, lab: lab.id }), labClient(b.url, { token: lab.tokens.observer, lab: lab.id, batch: true })];
    clients.push(onA, onB);
    await Promise.all([onA, onB].map(connected));
    await request(b.url).get(`/api/labs/${lab.id}/state`).set(bearer(lab.tokens.observer)).expect(200);

    const written = (await request(a.url).post(`/api/labs/${lab.id}/clock`).set(bearer(lab.tokens.student)).send({ advance: '30s' }).expect(201)).body as { version: number };
    await onB.until(written.version);
    const state = (await request(b.url).get(`/api/labs/${lab.id}/state`).set(bearer(lab.tokens.observer)).expect(200)).body as { version: number; time: number };
    expect([state.version, state.time]).toEqual([written.version, 30_000]);

    type Derived = { type: string; node: string; time: number };
    await Promise.all([onA, onB].map((c) => c.message<Derived>('derived', (d) => d.node === 'minikube-m03', 10_000)));
    await request(a.url).post(`/api/labs/${lab.id}/clock`).set(bearer(lab.tokens.student)).send({ advance: '30s' }).expect(201);
    await Promise.all([onA, onB].map((c) => c.message<Derived>('derived', (d) => d.time === 60_000 && d.node === 'minikube-m03', 10_000)));
    const syncs = [30_000, 60_000].flatMap((time) => ['minikube', 'minikube-m02', 'minikube-m03'].map((node) => ['KubeProxySynced', node, time]));
    for (const c of [onA, onB]) {
      expect(c.messages.filter(([name]) => name === 'derived').map(([, d]) => [(d as Derived).type, (d as Derived).node, (d as Derived).time])).toEqual(syncs);
    }
  });

  it('shows the same classroom roster and trace activity on both instances', async () => {
    const [a, b] = servers;
    const template = (await request(a.url).post('/api/labs').send({ name: 'week 5', scenario: 'minikube-flannel' }).expect(201)).body as CreatedLab;
    const roster = (server: TestServer) => request(server.url).get(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).expect(200);
    await request(a.url).post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).send({ students: 2 }).expect(201);
    await request(b.url).post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).send({ students: 1 }).expect(201);
    const onA = (await roster(a)).body as { forks: { student: number; id: string }[] };
    expect(onA.forks.map((fork) => fork.student)).toEqual([1, 2, 3]);
    expect((await roster(b)).body).toEqual(onA);
    const reset = (await request(b.url).post(`/api/labs/${template.id}/classroom/${onA.forks[0].id}/reset`).set(bearer(template.tokens.instructor)).expect(200)).body as { id: string };
    expect(((await roster(a)).body as typeof onA).forks.map((fork) => fork.id)).toEqual([reset.id, onA.forks[1].id, onA.forks[2].id]);

    await a.app.get(LiveBroadcaster).broadcastTrace(template.id, 'on-a', [{ index: 0 }], { at: 2, verdict: 'dropped' }, 0);
    const viewer = labClient(b.url, { token: template.tokens.observer, lab: template.id });
    clients.push(viewer);
    await connected(viewer);
    const traces: string[] = [];
    viewer.socket.on('replay:trace', (trace: { id: string }) => traces.push(trace.id));
    const ended = viewer.message<{ status: string }>('replay:status', (status) => status.status === 'ended');
    expect(await viewer.socket.emitWithAck('replay', { from: 1, to: 3, speed: 1000 })).toMatchObject({ ok: true });
    await ended;
    expect(traces).toEqual(['on-a']);
  });
});
