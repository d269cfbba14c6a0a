import { connected, labClient, range, type LabClient } from './support/lab-sockets';
import { createLab, useTestServer } from './support/test-server';

describe('gateway under load (test-sized; the full size is bench/gateway.bench.ts)', () => {
  const clients: LabClient[] = [];
  // Declared before useTestServer, so the clients go before the server closes.
  afterAll(() => {
    for (const client of clients) client.close();
  });
  const server = useTestServer({ socketMessagesPerSecond: 1000 });

  it('delivers a burst of 200 mutations to 200 clients, half of them batched, each event exactly once and in order', async () => {
    const lab = await createLab(server.url, { name: 'load' });
    for (let i = 0; i < 200; i++) clients.push(labClient(server.url, { token: lab.tokens.observer, lab: lab.id, after: lab.version, batch: i % 2 === 0 }));
    await Promise.all(clients.map(connected));
    const writers = clients.slice(0, 4).map(() => labClient(server.url, { token: lab.tokens.student, lab: lab.id }));
    clients.push(...writers);
    await Promise.all(writers.map(connected));
    const acks = await Promise.all(range(1, 200).map((i) => writers[i % writers.length].socket.emitWithAck('command', { type: 'clock', advance: '1s' })));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const last = lab.version + 200;
    await Promise.all(clients.slice(0, 200).map((client) => client.until(last, 30_000)));
    for (const client of clients.slice(0, 200)) expect(client.seqs()).toEqual(range(lab.version + 1, last));
    expect(clients.slice(0, 200).map((client) => client.batches > 0)).toEqual(range(1, 200).map((i) => i % 2 === 1));
  });
});
