import request from 'supertest';
import { bearer, createLab, useTestServer } from './support/test-server';

interface PluginRow {
  plugin: string;
  backend: string | null;
  verdict: string;
  hops: number;
  podMtu: number;
  encapsulation: { kind: string; port: number | null; overhead: number };
  policy: { enforced: boolean };
  trace: { action: string; packet: { outer?: { dstPort: number } } }[];
}

describe('GET /compare: one workload, every plugin', () => {
  const server = useTestServer();

  it('traces the same packet through each plugin in private copies and appends nothing', async () => {
    const lab = await createLab(server.url, { name: 'cmp', scenario: 'minikube-flannel' });
    const auth = bearer(lab.tokens.observer);
    const pod = (name: string, image: string, node: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { nodeName: node, containers: [{ name, image }] } });
    const applied = await request(server.url)
      .post(`/api/labs/${lab.id}/apply`)
      .set(bearer(lab.tokens.student))
      .send({ apiVersion: 'v1', kind: 'List', items: [pod('app', 'nicolaka/netshoot', 'minikube-m02'), pod('db', 'postgres', 'minikube-m03')] })
      .expect(200);

    const response = await request(server.url).get(`/api/labs/${lab.id}/compare?plugins=flannel,calico,calico:vxlan&from=default/app&to=default/db&port=5432`).set(auth).expect(200);
    const rows = response.body.plugins as PluginRow[];
    expect(rows.map((row) => [row.plugin, row.backend, row.verdict])).toEqual([
      ['flannel', 'vxlan', 'delivered'],
      ['calico', 'ipip', 'delivered'],
      ['calico', 'vxlan', 'delivered'],
    ]);
    const [flannel, calicoIpip, calicoVxlan] = rows;
    expect(flannel).toMatchObject({ podMtu: 1450, encapsulation: { kind: 'vxlan', port: 8472, overhead: 50 }, policy: { enforced: false } });
    expect(calicoIpip).toMatchObject({ podMtu: 1480, encapsulation: { kind: 'ipip', overhead: 20 }, policy: { enforced: true } });
    expect(calicoVxlan.encapsulation).toMatchObject({ kind: 'vxlan', port: 4789 });
    expect(flannel.trace.find((hop) => hop.action === 'encapsulate')?.packet.outer?.dstPort).toBe(8472);
    expect(calicoVxlan.trace.find((hop) => hop.action === 'encapsulate')?.packet.outer?.dstPort).toBe(4789);

    const events = await request(server.url).get(`/api/labs/${lab.id}/events?limit=10000`).set(auth).expect(200);
    expect(events.body).toHaveLength(applied.body.version);
    const state = await request(server.url).get(`/api/labs/${lab.id}/state`).set(auth).expect(200);
    expect(state.body.cluster.cni.plugin).toBe('flannel');
  });

  it('refuses unknown plugins and missing ports', async () => {
    const lab = await createLab(server.url, { name: 'cmp2', scenario: 'minikube-flannel' });
    const auth = bearer(lab.tokens.observer);
    await request(server.url).get(`/api/labs/${lab.id}/compare?plugins=flannel,ovn&from=a/b&to=c/d&port=80`).set(auth).expect(400);
    await request(server.url).get(`/api/labs/${lab.id}/compare?from=a/b&to=c/d`).set(auth).expect(400);
  });
});
