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

  it('gives a client that was away for 100 events exactly the missed ones when it comes back with after', async () => {
    const lab = await newLab();
    const first = client(lab, 'student', { after: 0 });
    await connected(first);
    await addNode(lab);
    const seen = (await storedSeqs(lab)).at(-1)!;
    await first.until(seen);
    first.close();
    for (let i = 0; i < 100; i++) await api().post(`/api/labs/${lab.id}/clock`).set({ Authorization: `Bearer ${lab.tokens.student}` }).send({ advance: '1s' }).expect(201);
    const back = client(lab, 'student', { after: seen });
    await connected(back);
    // Live appends while it catches up must neither be lost nor doubled.
    const racing = Promise.all([addNode(lab), back.socket.emitWithAck('command', { type: 'clock', advance: '1s' })]);
    await racing;
    const stored = await storedSeqs(lab);
    await back.until(stored.at(-1)!);
    expect(back.seqs()).toEqual(range(seen + 1, stored.at(-1)!));
    expect(back.seqs().length).toBeGreaterThanOrEqual(102);
  });

  it('streams only live events without after', async () => {
    const lab = await newLab();
    const live = client(lab, 'observer');
    await connected(live);
    await live.message('presence');
    await addNode(lab);
    const stored = await storedSeqs(lab);
    await live.until(stored.at(-1)!);
    expect(live.seqs()).toEqual(range(lab.version + 1, stored.at(-1)!));
  });

  const refusalOf = async (auth: Record<string, unknown>) => {
    const attempt = labClient(server.url, auth);
    clients.push(attempt);
    return connected(attempt).then(
      () => 'connected',
      (error: Error & { data?: { status: number } }) => error.data?.status,
    );
  };

  it('refuses a token of lab A for lab B, an unknown lab, a missing token and an after beyond the version', async () => {
    const [a, b] = [await newLab(), await newLab()];
    const refusal = refusalOf;
    expect(await refusal({ token: a.tokens.instructor, lab: b.id })).toBe(401);
    expect(await refusal({ token: a.tokens.instructor, lab: 'no-such-lab' })).toBe(404);
    expect(await refusal({ lab: a.id })).toBe(400);
    expect(await refusal({ token: a.tokens.student, lab: a.id, after: a.version + 1 })).toBe(422);
    // And nothing of lab B reaches lab A's clients.
    const inA = client(a, 'student', { after: 0 });
    await connected(inA);
    await inA.until(a.version);
    await addNode(b);
    await addNode(b);
    await addNode(a);
    const storedA = await storedSeqs(a);
    await inA.until(storedA.at(-1)!);
    expect(inA.seqs()).toEqual(storedA);
    expect(storedA.length).toBeLessThan((await storedSeqs(b)).length);
  });

  it("refuses an observer's command with the REST problem and appends nothing", async () => {
    const lab = await newLab();
    const watcher = client(lab, 'observer');
    await connected(watcher);
    const ack = await watcher.socket.emitWithAck('command', { type: 'addNode' });
    expect(ack).toEqual({ ok: false, error: expect.objectContaining({ status: 403, title: 'Forbidden', detail: expect.stringContaining('observer') }) });
    expect(await storedSeqs(lab)).toEqual(range(1, lab.version));
  });

  it('answers malformed messages with error acks, the same problems as REST, and keeps the connection', async () => {
    const lab = await newLab();
    const student = client(lab, 'student');
    await connected(student);
    const acks = await Promise.all([
      student.socket.emitWithAck('command', 'not an object'),
      student.socket.emitWithAck('command', { type: 'launchMissiles' }),
      student.socket.emitWithAck('command', { type: 'addNode', ip: 'not-an-ip' }),
      student.socket.emitWithAck('command', { type: 'apply', manifests: 'kind: [' }),
      student.socket.emitWithAck('command', { type: 'delete', resource: 'gadgets', namespace: 'default', name: 'x' }),
      student.socket.emitWithAck('no-such-message', {}),
      student.socket.emitWithAck('replay', { from: 'yesterday' }),
      student.socket.emitWithAck('exec', { cmd: 'ip a' }),
    ]);
    expect(acks.map((ack) => [ack.ok, ack.error?.status])).toEqual([
      [false, 400],
      [false, 400],
      [false, 400],
      [false, 400],
      [false, 404],
      [false, 400],
      [false, 400],
      [false, 400],
    ]);
    const rest = await api().post(`/api/labs/${lab.id}/nodes`).set({ Authorization: `Bearer ${lab.tokens.student}` }).send({ ip: 'not-an-ip' }).expect(400);
    expect(acks[2].error).toEqual(rest.body);
    expect(student.socket.connected).toBe(true);
    expect(await storedSeqs(lab)).toEqual(range(1, lab.version));
  });

  it('runs the lab shell per client: each socket keeps its own context, changes are events everyone sees', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const alice = client(lab, 'student');
    const bob = client(lab, 'observer');
    await Promise.all([connected(alice), connected(bob)]);

    const entered = await alice.socket.emitWithAck('exec', { command: 'docker exec -it minikube-m02 bash' });
    expect(entered).toMatchObject({ ok: true, exitCode: 0, context: 'node/minikube-m02', prompt: 'root@minikube-m02:/# ' });
    const inNode = await alice.socket.emitWithAck('exec', { command: 'ip -details link show flannel.1' });
    expect(inNode.stdout).toContain('vxlan id 1 local 192.168.49.3 dev eth0');
    const onWorkstation = await bob.socket.emitWithAck('exec', { command: 'kubectl get nodes' });
    expect(onWorkstation).toMatchObject({ ok: true, context: 'workstation' });
    expect(onWorkstation.stdout).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION\nminikube +Ready +control-plane/);

    const named = await bob.socket.emitWithAck('exec', { command: 'ip route', context: 'node/minikube-m03' });
    expect(named).toMatchObject({ ok: true, context: 'node/minikube-m03' });
    expect(named.stdout).toContain('192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.4');
    expect(await bob.socket.emitWithAck('exec', { command: 'ip route', context: 'moon/base' })).toMatchObject({ ok: false, error: { status: 400 } });
    const refused = await bob.socket.emitWithAck('exec', { command: 'kubectl run web --image nginx', context: 'workstation' });
    expect(refused).toMatchObject({ ok: false, error: { status: 403 } });
    const seen = nextMessage<{ type: string }>(bob.socket, 'event');
    const run = await alice.socket.emitWithAck('exec', { command: 'exit' }).then(() => alice.socket.emitWithAck('exec', { command: 'kubectl run web --image nginx' }));
    expect(run).toMatchObject({ ok: true, stdout: 'pod/web created\n', context: 'workstation' });
    expect(run.events[0].type).toBe('PodCreated');
    expect((await seen).type).toBe('PodCreated');
  });

  it('drops a connection whose message is larger than the body limit, and nothing changes', async () => {
    const lab = await newLab();
    const student = client(lab, 'student');
    await connected(student);
    const closed = nextMessage<string>(student.socket, 'disconnect');
    student.socket.emit('command', { type: 'apply', manifests: `# ${'x'.repeat(70 * 1024)}\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n` }, () => undefined);
    expect(await closed).toBe('transport close');
    expect(await storedSeqs(lab)).toEqual(range(1, lab.version));
  });

  it('announces presence as members join and leave', async () => {
    const lab = await newLab();
    const teacher = client(lab, 'instructor', { name: 'Ms. Frizzle' });
    await connected(teacher);
    type Presence = { members: { id: string; name: string; role: string }[] };
    expect(await teacher.message('presence')).toEqual({ members: [{ id: teacher.socket.id, name: 'Ms. Frizzle', role: 'instructor' }] });
    const student = client(lab, 'student', { name: 'Arnold' });
    await connected(student);
    const joined = await teacher.message<Presence>('presence', (p) => p.members.length === 2);
    expect(joined.members.map((m) => [m.name, m.role]).sort()).toEqual([['Arnold', 'student'], ['Ms. Frizzle', 'instructor']]);
    const announcements = teacher.messages.length;
    student.close();
    await teacher.message<Presence>('presence', (p) => p.members.length === 1 && teacher.messages.length > announcements);
    expect(teacher.messages.at(-1)).toEqual(['presence', { members: [{ id: teacher.socket.id, name: 'Ms. Frizzle', role: 'instructor' }] }]);
  });

  it('streams a trace started by one client to everyone in the lab, and relays follow-me', async () => {
    const lab = await newLab();
    const [teacher, student] = [client(lab, 'instructor'), client(lab, 'student')];
    await Promise.all([teacher, student].map(connected));
    await student.message<{ members: unknown[] }>('presence', (p) => p.members.length === 2);
    const hops: unknown[] = [];
    student.socket.on('hop', (message: { traceId: string; hop: unknown }) => hops.push(message));
    const finished = nextMessage<{ id: string; verdict: string }>(student.socket, 'trace');
    await server.app.get(LiveBroadcaster).broadcastTrace(lab.id, 't1', [{ index: 0 }, { index: 1 }], { at: lab.version, verdict: 'delivered' }, 5);
    expect(await finished).toEqual({ id: 't1', at: lab.version, verdict: 'delivered' });
    expect(hops).toEqual([{ traceId: 't1', hop: { index: 0 } }, { traceId: 't1', hop: { index: 1 } }]);
    const followed = nextMessage(student.socket, 'follow');
    expect(await teacher.socket.emitWithAck('follow', { traceId: 't1' })).toEqual({ ok: true });
    expect(await followed).toEqual({ traceId: 't1', by: expect.objectContaining({ role: 'instructor' }) });
    expect((await student.socket.emitWithAck('follow', { traceId: 't1' })).error.status).toBe(403);
  });

  it('streams a trace one student starts over the socket to every client of the lab, one by one or batched, and keeps it for replays', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    const pods = ['app:minikube-m02', 'db:minikube-m03'].map((entry) => {
      const [name, node] = entry.split(':');
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  nodeName: ${node}\n  containers:\n  - name: ${name}\n    image: nginx\n`;
    });
    const [student, watcher, batched] = [client(lab, 'student'), client(lab, 'observer'), client(lab, 'observer', { batch: true })];
    await Promise.all([student, watcher, batched].map(connected));
    const applied = await student.socket.emitWithAck('command', { type: 'apply', manifests: pods.join('---\n') });
    expect(applied).toMatchObject({ ok: true });
    const ack = await student.socket.emitWithAck('trace', { from: 'default/app', to: 'default/db', port: 80, stream: true, pacingMs: 0 });
    expect(ack).toMatchObject({ ok: true, id: expect.any(String), at: applied.version });
    const hops = (ack.hops as unknown[]).map((hop) => ['hop', { traceId: ack.id, hop }]);
    for (const c of [student, watcher, batched]) {
      await c.message('trace', (trace: { id: string }) => trace.id === ack.id);
      expect(c.messages.filter(([name]) => name === 'hop' || name === 'trace')).toEqual([...hops, ['trace', expect.objectContaining({ id: ack.id, verdict: ack.verdict })]]);
    }
    expect(batched.batches).toBeGreaterThan(0);

    // A trace that was not streamed is kept for replays too.
    const quiet = await watcher.socket.emitWithAck('trace', { from: 'default/db', to: 'default/app', port: 80 });
    expect(quiet).toMatchObject({ ok: true, at: applied.version });
    const replayed: string[] = [];
    watcher.socket.on('replay:trace', (trace: { id: string }) => replayed.push(trace.id));
    const ended = watcher.message<{ status: string }>('replay:status', (status) => status.status === 'ended');
    await watcher.socket.emitWithAck('replay', { from: applied.version, to: applied.version, speed: 1000 });
    await ended;
    expect(replayed).toEqual([ack.id, quiet.id]);
  });

  it('replays a stretch of history to the asking client only, with its traces, step and seek, without changing the lab', async () => {
    const lab = await newLab({ scenario: 'minikube-flannel' });
    await server.app.get(LiveBroadcaster).broadcastTrace(lab.id, 'then', [{ index: 0 }], { at: 3, verdict: 'dropped' }, 0);
    const [viewer, other] = [client(lab, 'observer'), client(lab, 'observer')];
    await Promise.all([viewer, other].map(connected));
    const replayed: unknown[] = [];
    viewer.socket.on('replay:event', (event: { seq: number }) => replayed.push(event.seq));
    viewer.socket.on('replay:trace', (trace: { id: string }) => replayed.push(trace.id));
    let otherHeard = 0;
    other.socket.onAny((name: string) => name.startsWith('replay') && otherHeard++);
    const ended = new Promise<void>((resolve) => viewer.socket.on('replay:status', (s: { status: string }) => s.status === 'ended' && resolve()));
    const started = await viewer.socket.emitWithAck('replay', { from: 2, to: 5, speed: 1000 });
    expect(started).toEqual(expect.objectContaining({ ok: true, from: 2, to: 5 }));
    await ended;
    expect(replayed).toEqual([2, 3, 'then', 4, 5]);
    // Paused, step by step, and seek back.
    await viewer.socket.emitWithAck('replay', { from: 1, to: 4, speed: 1000 });
    await viewer.socket.emitWithAck('replay:pause');
    replayed.length = 0;
    const seek = await viewer.socket.emitWithAck('replay:seek', { seq: 3 });
    expect(seek).toEqual({ ok: true, status: 'paused', next: 3 });
    await viewer.socket.emitWithAck('replay:step');
    await viewer.socket.emitWithAck('replay:step');
    expect(replayed).toEqual([3, 'then']);
    expect(otherHeard).toBe(0);
    expect(await storedSeqs(lab)).toEqual(range(1, lab.version));
  });

  it('gives a client that asked for batches the same messages in batch frames: its catch-up in one, a trace without pacing in one', async () => {
    // Paused, and advanced by less than kube-proxy's sync period: no derived occurrences among the frames.
    const lab = await newLab({ scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } });
    const [single, batched, live] = [client(lab, 'student', { after: 0 }), client(lab, 'observer', { after: 0, batch: true }), client(lab, 'observer', { batch: true })];
    const frames: [string, unknown][][] = [];
    batched.socket.on('batch', (items: [string, unknown][]) => frames.push(items));
    await Promise.all([single, batched, live].map(connected));
    await batched.until(lab.version);
    expect(frames).toEqual([range(1, lab.version).map((seq) => ['event', expect.objectContaining({ seq })])]);
    await live.message('presence', (p: { members: unknown[] }) => p.members.length === 3);

    const acks = await Promise.all(range(1, 30).map(() => single.socket.emitWithAck('command', { type: 'clock', advance: '100ms' })));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const stored = await storedSeqs(lab);
    await Promise.all([single, batched, live].map((c) => c.until(stored.at(-1)!)));
    expect(batched.events).toEqual(single.events);
    expect(live.events).toEqual(single.events.slice(lab.version));
    expect(single.batches).toBe(0);

    frames.length = 0;
    const finished = live.message<{ id: string }>('trace');
    await server.app.get(LiveBroadcaster).broadcastTrace(lab.id, 't2', [{ index: 0 }, { index: 1 }, { index: 2 }], { at: stored.at(-1)!, verdict: 'delivered' }, 0);
    expect(await finished).toEqual({ id: 't2', at: stored.at(-1), verdict: 'delivered' });
    await batched.message('trace');
    expect(frames).toEqual([
      [...range(0, 2).map((index) => ['hop', { traceId: 't2', hop: { index } }]), ['trace', { id: 't2', at: stored.at(-1), verdict: 'delivered' }]],
    ]);
    expect(await refusalOf({ token: lab.tokens.observer, lab: lab.id, batch: 'yes' })).toBe(400);
  });

  it("sends what the lab's controllers do as derived occurrences to every client, once each", async () => {
    const lab = await newLab({ scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } });
    const [single, batched] = [client(lab, 'student'), client(lab, 'observer', { batch: true })];
    await Promise.all([single, batched].map(connected));
    type Derived = { type: string; node: string; time: number };
    const derivedOf = (c: LabClient) => c.messages.filter(([name]) => name === 'derived').map(([, payload]) => payload as Derived);
    for (const advanced of [30_000, 60_000]) {
      expect(await single.socket.emitWithAck('command', { type: 'clock', advance: '30s' })).toMatchObject({ ok: true });
      await Promise.all([single, batched].map((c) => c.message<Derived>('derived', (d) => d.time === advanced && d.node === 'minikube-m03')));
    }
    const syncs = [30_000, 60_000].flatMap((time) => ['minikube', 'minikube-m02', 'minikube-m03'].map((node) => ['KubeProxySynced', node, time]));
    for (const c of [single, batched]) expect(derivedOf(c).map((d) => [d.type, d.node, d.time])).toEqual(syncs);
    expect(batched.batches).toBeGreaterThan(0);
  });

  it('rate-limits each socket with 429 acks', async () => {
    const limited = await startServer({ databaseUrl: database.url, socketMessagesPerSecond: 5 });
    try {
      const lab = await newLab();
      const chatty = labClient(limited.url, { token: lab.tokens.observer, lab: lab.id });
      clients.push(chatty);
      await connected(chatty);
      const acks = await Promise.all(range(1, 15).map(() => chatty.socket.emitWithAck('follow', { traceId: 'x' })));
      const statuses = acks.map((ack) => ack.error.status);
      expect(statuses.filter((s) => s === 403)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    } finally {
      await limited.app.close();
    }
  });
});
