import request from 'supertest';
import { LiveBroadcaster } from '../apps/server/src/gateway/live-broadcaster.service';
import { connected, labClient, nextMessage, range, type CreatedLab, type LabClient } from './support/lab-sockets';
import { startServer, tempDatabase, type TestServer } from './support/test-server';

describe('live lab sessions over socket.io', () => {
  const database = tempDatabase();
  let server: TestServer;
  const clients: LabClient[] = [];

  beforeAll(async () => {
    server = await startServer({ databaseUrl: database.url, socketMessagesPerSecond: 1000 });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server.app.close();
    database.cleanup();
  });

  const api = () => request(server.url);
  const newLab = async (body: Record<string, unknown> = {}) => (await api().post('/api/labs').send({ name: 'lab', ...body }).expect(201)).body as CreatedLab;
  const client = (lab: CreatedLab, role: keyof CreatedLab['tokens'], extra: Record<string, unknown> = {}) => {
    const created = labClient(server.url, { token: lab.tokens[role], lab: lab.id, ...extra });
    clients.push(created);
    return created;
  };
  const addNode = (lab: CreatedLab) => api().post(`/api/labs/${lab.id}/nodes`).set({ Authorization: `Bearer ${lab.tokens.student}` }).send({}).expect(201);
  const storedSeqs = async (lab: CreatedLab) =>
    ((await api().get(`/api/labs/${lab.id}/events?limit=10000`).set({ Authorization: `Bearer ${lab.tokens.observer}` }).expect(200)).body as { seq: number }[]).map((e) => e.seq);

  it('gives two students and an observer the identical event sequence, commands from the sockets included', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const [alice, bob, watcher] = [client(lab, 'student', { after: 0 }), client(lab, 'student', { after: 0 }), client(lab, 'observer', { after: 0 })];
    await Promise.all([alice, bob, watcher].map(connected));
    const acks = await Promise.all([
      alice.socket.emitWithAck('command', { type: 'addNode' }),
      bob.socket.emitWithAck('command', { type: 'addNode', name: 'extra' }),
      addNode(lab).then(() => ({ ok: true })),
      alice.socket.emitWithAck('command', { type: 'apply', manifests: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n' }),
    ]);
    expect(acks.map((ack) => ack.ok)).toEqual([true, true, true, true]);
    const version = Math.max(...acks.map((ack) => (ack as { version?: number }).version ?? 0));
    const stored = await storedSeqs(lab);
    await Promise.all([alice, bob, watcher].map((c) => c.until(stored.at(-1)!)));
    expect(version).toBeLessThanOrEqual(stored.at(-1)!);
    expect(alice.seqs()).toEqual(stored);
    expect(bob.events).toEqual(alice.events);
    expect(watcher.events).toEqual(alice.events);
  });
});
