import request from 'supertest';
import { LiveBroadcaster } from '../apps/server/src/gateway/live-broadcaster.service';
import { connected, labClient, type CreatedLab, type LabClient } from './support/lab-sockets';
import { bearer, createLab, startServer, tempDatabase, type TestServer } from './support/test-server';

describe('classroom rosters and the trace activity log survive a restart (SQLite)', () => {
  const database = tempDatabase();
  let server: TestServer | undefined;
  const clients: LabClient[] = [];

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.app.close();
    database.cleanup();
  });

  it('lists the same student forks, with working tokens, and replays the traces run before the restart', async () => {
    server = await startServer({ databaseUrl: database.url });
    const template = await createLab(server.url, { name: 'week 4', scenario: 'minikube-flannel' });
    const opened = (await request(server.url).post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).send({ students: 2 }).expect(201)).body as {
      forks: { id: string; tokens: CreatedLab['tokens'] }[];
    };
    await server.app.get(LiveBroadcaster).broadcastTrace(template.id, 'before-restart', [{ index: 0 }, { index: 1 }], { at: 2, verdict: 'delivered' }, 0);
    await server.app.close();

    server = await startServer({ databaseUrl: database.url });
    const listed = (await request(server.url).get(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).expect(200)).body as typeof opened;
    expect(listed.forks).toEqual(opened.forks);
    const [first] = listed.forks;
    await request(server.url).post(`/api/labs/${first.id}/nodes`).set(bearer(first.tokens.student)).send({}).expect(201);

    const viewer = labClient(server.url, { token: template.tokens.observer, lab: template.id });
    clients.push(viewer);
    await connected(viewer);
    const replayed: unknown[] = [];
    viewer.socket.on('replay:event', (event: { seq: number }) => replayed.push(event.seq));
    viewer.socket.on('replay:hop', (hop: { traceId: string; hop: unknown }) => replayed.push(hop));
    viewer.socket.on('replay:trace', (trace: { id: string }) => replayed.push(trace.id));
    const ended = viewer.message<{ status: string }>('replay:status', (status) => status.status === 'ended');
    expect(await viewer.socket.emitWithAck('replay', { from: 1, to: 3, speed: 1000 })).toMatchObject({ ok: true });
    await ended;
    expect(replayed).toEqual([1, 2, { traceId: 'before-restart', hop: { index: 0 } }, { traceId: 'before-restart', hop: { index: 1 } }, 'before-restart', 3]);

    // A fork deleted on its own leaves the roster.
    await request(server.url).delete(`/api/labs/${first.id}`).set(bearer(first.tokens.instructor)).expect(204);
    const afterDelete = (await request(server.url).get(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).expect(200)).body as typeof opened;
    expect(afterDelete.forks.map((fork) => fork.id)).toEqual([listed.forks[1].id]);
  });
});
