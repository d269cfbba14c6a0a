import { connected, labClient, type LabClient } from './support/lab-sockets';
import { createLab, useTestServer } from './support/test-server';

type Presence = { members: { id: string; name: string; role: string }[] };

/** The gateway announces each lab's member list at most once per this many ms. */
const PRESENCE_INTERVAL_MS = 200;
const CLIENTS = 300;

describe('gateway presence while a class joins', () => {
  const clients: LabClient[] = [];
  // Declared before useTestServer, so the clients go before the server closes.
  afterAll(() => {
    for (const client of clients) client.close();
  });
  const server = useTestServer();

  it(`coalesces the member lists of ${CLIENTS} joining clients, and everyone ends with all of them`, async () => {
    const lab = await createLab(server.url, { name: 'class' });
    const started = Date.now();
    for (let i = 0; i < CLIENTS; i++) clients.push(labClient(server.url, { token: lab.tokens.student, lab: lab.id, name: `student ${i}` }));
    await Promise.all(clients.map(connected));
    const ids = clients.map((client) => client.socket.id).sort();
    const complete = (presence: Presence) => presence.members.length === CLIENTS;
    await Promise.all(clients.map((client) => client.message<Presence>('presence', complete, 20_000)));
    const elapsed = Date.now() - started;

    for (const client of clients) {
      const lists = client.messages.filter(([name]) => name === 'presence').map(([, payload]) => payload as Presence);
      // One list per join would be up to 300 per client; coalesced, at most one per interval (plus the first, at once).
      expect(lists.length).toBeLessThanOrEqual(Math.floor(elapsed / PRESENCE_INTERVAL_MS) + 2);
      expect(lists.length).toBeLessThan(CLIENTS / 5);
      const last = lists.at(-1)!;
      expect(last.members.map((member) => member.id).sort()).toEqual(ids);
      expect(last.members.find((member) => member.id === client.socket.id)).toEqual({ id: client.socket.id, name: expect.stringMatching(/^student \d+$/), role: 'student' });
    }

    // Leaving is coalesced the same way: the 200 who stay end with the list of the 200.
    const leaving = clients.slice(200);
    for (const client of leaving) client.close();
    const staying = clients.slice(0, 200);
    const stayingIds = staying.map((client) => client.socket.id).sort();
    await Promise.all(staying.map((client) => client.message<Presence>('presence', (p) => p.members.length === 200, 20_000)));
    for (const client of staying) {
      const last = client.messages.filter(([name]) => name === 'presence').at(-1)![1] as Presence;
      expect(last.members.map((member) => member.id).sort()).toEqual(stayingIds);
    }
  });
});
