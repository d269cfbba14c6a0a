import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
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
});
