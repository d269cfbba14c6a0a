import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { runNodeIptables } from '@hoplab/simulator/node-iptables';
import { LabRuntime } from '../apps/server/src/runtime/lab-runtime.service';
import { TracesService } from '../apps/server/src/traces/traces.service';
import { startServer, tempDatabase, type TestServer } from './support/test-server';

interface Hop {
  index: number;
  node: string;
  action: string;
  layer: string;
  packet: { outer?: { src: string; dst: string; dstPort: number; vni: number } };
}

const pod = (name: string, image: string, node: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { nodeName: node, containers: [{ name, image }] },
});

describe('traces and connectivity over HTTP and socket.io', () => {
  const database = tempDatabase();
  let server: TestServer;
  let lab: { id: string; version: number; tokens: Record<string, string> };
  const as = (role = 'student') => ({ Authorization: `Bearer ${lab.tokens[role]}` });

  beforeAll(async () => {
    server = await startServer({ databaseUrl: database.url });
    lab = (await request(server.url).post('/api/labs').send({ name: 'tr', scenario: 'minikube-flannel' }).expect(201)).body;
    await request(server.url)
      .post(`/api/labs/${lab.id}/apply`)
      .set(as())
      .send({ apiVersion: 'v1', kind: 'List', items: [pod('app', 'nicolaka/netshoot', 'minikube-m02', { app: 'app' }), pod('db', 'postgres', 'minikube-m03', { app: 'database' })] })
      .expect(200);
  });
  afterAll(async () => {
    await server.app.close();
    database.cleanup();
  });

  const post = (body: object, role = 'student') => request(server.url).post(`/api/labs/${lab.id}/traces`).set(as(role)).send(body);

  it('walks a packet across flannel nodes: VXLAN UDP 8472 between the node IPs, delivered to postgres', async () => {
    const response = await post({ from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }).expect(200);
    expect(response.body).toMatchObject({ verdict: 'delivered', at: expect.any(Number) });
    expect(typeof response.body.id).toBe('string');
    const encapsulation = (response.body.hops as Hop[]).find((hop) => hop.action === 'encapsulate');
    expect(encapsulation?.packet.outer).toMatchObject({ src: '192.168.49.3', dst: '192.168.49.4', dstPort: 8472, vni: 1 });
    expect(response.body.learned).toBeUndefined();

    // The neighbour caches filled: the same packet again does not ARP.
    const again = await post({ from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }, 'observer').expect(200);
    expect((response.body.hops as Hop[]).some((hop) => hop.action === 'arp-request')).toBe(true);
    expect((again.body.hops as Hop[]).some((hop) => hop.action === 'arp-request')).toBe(false);
  });

  it('reports a closed port as refused and traces the lab as of an older seq', async () => {
    expect((await post({ from: 'default/app', to: 'default/db', port: 5433 }).expect(200)).body.verdict).toBe('refused');
    const before = await post({ from: 'default/app', to: 'default/db', port: 5432, at: lab.version }).expect(404);
    expect(before.headers['content-type']).toMatch(/problem\+json/);
  });

  it('refuses bad trace requests with problems', async () => {
    expect((await post({ from: 'default/app', to: 'default/db' }).expect(400)).body.errors[0].path).toBe('port');
    await post({ from: 'default/app', to: 'default/db', port: 80, protocol: 'GRE' }).expect(400);
    await post({ from: 'default/ghost', to: 'default/db', port: 80 }).expect(404);
    await request(server.url).post(`/api/labs/${lab.id}/traces`).send({ from: 'default/app', to: 'default/db', port: 80 }).expect(401);
  });

  it('gives the connectivity matrix; flannel does not enforce policies, so a deny-all changes nothing', async () => {
    const denyAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(as()).send(denyAll).expect(200);
    const matrix = (await request(server.url).get(`/api/labs/${lab.id}/connectivity?port=5432`).set(as('observer')).expect(200)).body;
    expect(matrix.pods).toEqual(expect.arrayContaining(['default/app', 'default/db']));
    const app = matrix.pods.indexOf('default/app');
    const db = matrix.pods.indexOf('default/db');
    expect(matrix.matrix[app][db]).toBe(true);
    const traced = await post({ from: 'default/app', to: 'default/db', port: 5432 }).expect(200);
    expect(traced.body.verdict).toBe('delivered');
    expect(JSON.stringify(traced.body.hops)).toMatch(/if the CNI enforced NetworkPolicy/);
    await request(server.url).get(`/api/labs/${lab.id}/connectivity`).set(as()).expect(400);
  });

  it('streams a trace to everyone in the lab, hop by hop', async () => {
    const socket: Socket = io(`${server.url}/labs`, { auth: { token: lab.tokens.observer, lab: lab.id }, transports: ['websocket'] });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', () => resolve());
        socket.on('connect_error', reject);
      });
      const hops: { traceId: string; hop: Hop }[] = [];
      const finished = new Promise<{ id: string; verdict: string }>((resolve) => socket.on('trace', resolve));
      socket.on('hop', (message) => hops.push(message));
      const started = await post({ from: 'default/app', to: 'default/db', port: 5432, stream: true, pacingMs: 0 }).expect(200);
      const result = await finished;
      expect(result).toMatchObject({ id: started.body.id, verdict: 'delivered' });
      expect(hops.map((h) => h.hop.index)).toEqual(started.body.hops.map((h: Hop) => h.index));
      expect(new Set(hops.map((h) => h.traceId))).toEqual(new Set([started.body.id]));
    } finally {
      socket.disconnect();
    }
  });

  async function connected(role: string): Promise<Socket> {
    const socket: Socket = io(`${server.url}/labs`, { auth: { token: lab.tokens[role], lab: lab.id }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    return socket;
  }

  it('runs a trace sent over socket.io with the REST body, and answers errors as problem acks', async () => {
    const socket = await connected('student');
    try {
      const ack = await socket.emitWithAck('trace', { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
      expect(ack).toMatchObject({ ok: true, verdict: 'delivered', at: expect.any(Number), id: expect.any(String) });
      expect((ack.hops as Hop[]).find((hop) => hop.action === 'encapsulate')?.packet.outer).toMatchObject({ dstPort: 8472, vni: 1 });
      expect(await socket.emitWithAck('trace', { from: 'default/ghost', to: 'default/db', port: 5432 })).toMatchObject({ ok: false, error: { status: 404 } });
      const invalid = await socket.emitWithAck('trace', { from: 'default/app', to: 'default/db' });
      expect(invalid).toMatchObject({ ok: false, error: { status: 400 } });
      expect(invalid.error.errors[0].path).toBe('port');
    } finally {
      socket.disconnect();
    }
  });

  it('counts traced packets in the source node\'s iptables counters: two traces to a Service read 2 packets on its KUBE-SVC and KUBE-SEP rules', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'pg' }, spec: { selector: { app: 'database' }, ports: [{ port: 5432 }] } };
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(as()).send(service).expect(200);
    const traces = [];
    for (let i = 0; i < 2; i++) traces.push((await post({ from: 'default/app', to: 'pg.default', port: 5432 }).expect(200)).body);
    expect(traces.map((trace) => trace.verdict)).toEqual(['delivered', 'delivered']);
    const dnat = (traces[0].hops as (Hop & { rule?: string })[]).find((hop) => hop.action === 'dnat')!;
    expect(dnat.node).toBe('minikube-m02');
    const [svc, sep] = /(KUBE-SVC-\w+) → (KUBE-SEP-\w+)/.exec(dnat.rule!)!.slice(1);
    const counted = server.app.get(TracesService).countedPackets(lab.id);
    const list = (chain: string) =>
      server.app.get(LabRuntime).read(lab.id, (state, now) => runNodeIptables(state, 'minikube-m02', ['-t', 'nat', '-vnL', chain], now, counted).stdout);
    expect(await list('KUBE-SERVICES')).toMatch(new RegExp(`^ +2 +120 ${svc} `, 'm'));
    expect(await list(svc)).toMatch(new RegExp(`^ +2 +120 ${sep} `, 'm'));
    expect(await list(sep)).toMatch(/^ +2 +120 DNAT /m);

    // The lab shell on the node reads the same counters (POST /exec), with -vnL and with iptables-save -c.
    const exec = async (command: string) =>
      (await request(server.url).post(`/api/labs/${lab.id}/exec`).set(as('observer')).send({ command, context: 'node/minikube-m02' }).expect(200)).body;
    const shown = await exec(`iptables -t nat -vnL ${svc}`);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^ +2 +120 ${sep} `, 'm'));
    const saved = (await exec('iptables-save -c -t nat')).stdout as string;
    expect(saved).toMatch(new RegExp(`^\\[2:120\\] -A ${sep} -p tcp .* -j DNAT `, 'm'));
    expect(saved).toMatch(new RegExp(`^\\[2:120\\] -A ${svc} .*-j ${sep}$`, 'm'));
    expect(saved).toMatch(/^\[0:0\] -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000\/0x4000$/m);
    // Without -c the rules carry no counters; another node's rules saw none of these packets.
    expect((await exec('iptables-save -t nat')).stdout).not.toMatch(/^\[/m);
    expect((await exec(`iptables -t nat -vnL ${sep}`)).stdout).toMatch(/^ +2 +120 DNAT /m);
    const elsewhere = await request(server.url).post(`/api/labs/${lab.id}/exec`).set(as()).send({ command: `iptables -t nat -vnL ${sep}`, context: 'node/minikube' }).expect(200);
    expect(elsewhere.body.stdout).toMatch(/^ +0 +0 DNAT /m);
  });
});
