import request from 'supertest';
import { connected, labClient, type CreatedLab, type LabClient } from './support/lab-sockets';
import { bearer, createLab, useTestServer } from './support/test-server';

interface StudentFork {
  student: number;
  id: string;
  name: string;
  tokens: CreatedLab['tokens'];
  replaced?: string;
}

describe('classroom: a fork of the template per student', () => {
  const clients: LabClient[] = [];
  // Declared before useTestServer, so the clients go before the server closes.
  afterAll(() => {
    for (const client of clients) client.close();
  });
  const server = useTestServer();

  const api = () => request(server.url);

  it('forks the template for n students, lists the forks, lets only the instructor do it, and resets one fork', async () => {
    const template = await createLab(server.url, { name: 'week 3', scenario: 'minikube-flannel' });
    await api().post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.student)).send({ students: 2 }).expect(403);
    await api().post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).send({ students: 0 }).expect(400);

    const opened = (await api().post(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).send({ students: 3 }).expect(201)).body as {
      forks: StudentFork[];
    };
    expect(opened.forks.map((f) => [f.student, f.name])).toEqual([
      [1, 'week 3 / student 1'],
      [2, 'week 3 / student 2'],
      [3, 'week 3 / student 3'],
    ]);
    const listed = (await api().get(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).expect(200)).body as { forks: StudentFork[] };
    expect(listed.forks).toEqual(opened.forks);

    // Each student works in their own fork; the template and the other forks do not change.
    const [first, second] = opened.forks;
    await api().post(`/api/labs/${first.id}/nodes`).set(bearer(first.tokens.student)).send({}).expect(201);
    await api().post(`/api/labs/${second.id}/nodes`).set(bearer(first.tokens.student)).expect(401);
    const versionOf = async (id: string, token: string) => (await api().get(`/api/labs/${id}`).set(bearer(token)).expect(200)).body.version as number;
    expect(await versionOf(first.id, first.tokens.observer)).toBeGreaterThan(template.version);
    expect(await versionOf(second.id, second.tokens.observer)).toBe(template.version);
    expect(await versionOf(template.id, template.tokens.observer)).toBe(template.version);

    // Reset: the student connected to the old fork is told where the new one is, with a token of their role.
    const watching = labClient(server.url, { token: first.tokens.student, lab: first.id });
    clients.push(watching);
    await connected(watching);
    const reset = (await api().post(`/api/labs/${template.id}/classroom/${first.id}/reset`).set(bearer(template.tokens.instructor)).expect(200)).body as StudentFork;
    expect(reset).toEqual(expect.objectContaining({ student: 1, name: 'week 3 / student 1', replaced: first.id }));
    expect(await watching.message('reset')).toEqual({ lab: reset.id, token: reset.tokens.student });
    expect(await versionOf(reset.id, reset.tokens.student)).toBe(template.version);
    await api().get(`/api/labs/${first.id}`).set(bearer(first.tokens.student)).expect(404);
    await api().post(`/api/labs/${template.id}/classroom/${template.id}/reset`).set(bearer(template.tokens.instructor)).expect(404);
    const after = (await api().get(`/api/labs/${template.id}/classroom`).set(bearer(template.tokens.instructor)).expect(200)).body as { forks: StudentFork[] };
    expect(after.forks.map((f) => f.id)).toEqual([reset.id, second.id, opened.forks[2].id]);
  });
});
