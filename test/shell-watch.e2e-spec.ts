import request from 'supertest';
import { connected, labClient, type LabClient } from './support/lab-sockets';
import { bearer, createLab, useTestServer } from './support/test-server';

interface ExecAck {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number;
  watching?: boolean;
}

/** `kubectl get -w` in the lab shell: over socket.io it streams rows until interrupted; over REST it prints the list and ends. */
describe('kubectl get -w in the lab shell', () => {
  const server = useTestServer();
  let lab: Awaited<ReturnType<typeof createLab>>;
  let client: LabClient;
  const exec = (command: string) => client.socket.timeout(5000).emitWithAck('exec', { command }) as Promise<ExecAck>;
  const restExec = (command: string) => request(server.url).post(`/api/labs/${lab.id}/exec`).set(bearer(lab.tokens.student)).send({ command }).expect(200);
  const outputs = () => client.messages.filter(([name]) => name === 'exec:output').map(([, payload]) => (payload as { stdout: string }).stdout);

  beforeAll(async () => {
    lab = await createLab(server.url, { name: 'watch', scenario: 'minikube-flannel' });
    await restExec('kubectl run db --image postgres --labels=app=database');
    client = labClient(server.url, { token: lab.tokens.student, lab: lab.id });
    await connected(client);
  });
  afterAll(() => client.close());

  it('over socket.io: the list in the ack, then a row per pod another client adds or deletes, until interrupt', async () => {
    const ack = await exec('kubectl get pods -w');
    expect(ack).toMatchObject({ ok: true, exitCode: 0, watching: true });
    expect(ack.stdout).toMatch(/^NAME {3}READY {3}STATUS {4}RESTARTS {3}AGE\ndb {5}1\/1 {5}Running {3}0 {10}\S+\n$/);
    await restExec('kubectl run app --image nicolaka/netshoot');
    expect(await client.message<{ stdout: string }>('exec:output', ({ stdout }) => stdout.startsWith('app '))).toEqual({ stdout: expect.stringMatching(/^app {4}1\/1 {5}Running {3}0 {10}\S+\n$/) });
    await restExec('kubectl delete pod db');
    expect(await client.message<{ stdout: string }>('exec:output', ({ stdout }) => stdout.startsWith('db '))).toEqual({ stdout: expect.stringMatching(/^db {5}1\/1 {5}Terminating {3}0 {10}\S+\n$/) });
    expect(await client.socket.timeout(5000).emitWithAck('interrupt', {})).toEqual({ ok: true, interrupted: true });
    const before = outputs().length;
    await restExec('kubectl run late --image nginx');
    // The answer of a later line proves the append was seen; nothing more streamed for the interrupted watch.
    expect((await exec('kubectl get pod late -o name')).stdout).toBe('pod/late\n');
    expect(outputs()).toHaveLength(before);
    expect(await client.socket.timeout(5000).emitWithAck('interrupt', {})).toEqual({ ok: true, interrupted: false });
  });

  it('a new line ends the running watch; over REST the list is printed once and the call ends', async () => {
    expect((await exec('kubectl get pods -n kube-system -l k8s-app=kube-dns -w')).watching).toBe(true);
    expect((await exec('kubectl get ns default -o name')).watching).toBeUndefined();
    expect(await client.socket.timeout(5000).emitWithAck('interrupt', {})).toEqual({ ok: true, interrupted: false });
    const rest = await restExec('kubectl get pods -w');
    expect(rest.body.stdout).toMatch(/^NAME {3}READY/);
    expect(rest.body).not.toHaveProperty('watch');
    expect(rest.body).not.toHaveProperty('watching');
  });
});
