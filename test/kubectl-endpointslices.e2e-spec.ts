import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, createLab, useTestServer } from './support/test-server';
import type { CreatedLab } from './support/lab-sockets';
import { runKubectl, useKubectlHome, type KubectlRun } from './support/real-kubectl';

const pod = (name: string, node: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { nodeName: node, containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
});
const service = (name: string, app: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app }, ports: [{ port: 80, targetPort: 'http' }] },
});

/** AGE is the last column; two reads a second apart may differ there. */
const withoutAge = (text: string) => text.split('\n').map((line) => line.replace(/\s+\S+$/, '')).join('\n');

/** EndpointSlices kept by the endpoint slice controller, read with the real kubectl (v1.32) and in the lab shell. */
describe('EndpointSlices with kubectl and in the lab shell', () => {
  const server = useTestServer();
  const home = useKubectlHome();
  let lab: CreatedLab;
  let kubeconfig: string;

  const kubectl = (args: string[]): Promise<KubectlRun> => runKubectl(home, kubeconfig, args);
  const shell = async (command: string) => (await request(server.url).post(`/api/labs/${lab.id}/exec`).set(bearer(lab.tokens.student)).send({ command }).expect(200)).body;

  beforeAll(async () => {
    lab = await createLab(server.url, { name: 'slices', scenario: 'minikube-flannel' });
    const config = await request(server.url).get(`/api/labs/${lab.id}/kubeconfig`).set(bearer(lab.tokens.student)).expect(200);
    kubeconfig = join(home, 'kubeconfig');
    writeFileSync(kubeconfig, config.text);
    await request(server.url)
      .post(`/api/labs/${lab.id}/apply`)
      .set(bearer(lab.tokens.student))
      .send({ apiVersion: 'v1', kind: 'List', items: [pod('web-1', 'minikube-m02'), pod('web-2', 'minikube-m03'), service('web', 'web'), service('nobody', 'nothing')] })
      .expect(200);
  });

  it('lists every slice with -A: the API server\'s own, one per Service with a selector, a placeholder where no pod is ready', async () => {
    const real = await kubectl(['get', 'endpointslices', '-A']);
    expect(real).toMatchObject({ rc: 0, stderr: '' });
    const lines = real.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/);
    const rows = lines.slice(1).map((line) => line.split(/\s+/).slice(0, 5).join(' '));
    const ips = (await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' ');
    expect(rows).toEqual([
      expect.stringMatching(/^default kubernetes IPv4 8443 192\.168\.49\.2$/),
      expect.stringMatching(/^default nobody-[bcdfghjklmnpqrstvwxz2456789]{5} IPv4 <unset> <unset>$/),
      expect.stringMatching(new RegExp(`^default web-[bcdfghjklmnpqrstvwxz2456789]{5} IPv4 8080 ${ips.join(',').replace(/\./g, '\\.')}$`)),
      expect.stringMatching(/^kube-system kube-dns-[bcdfghjklmnpqrstvwxz2456789]{5} IPv4 \S+ 10\.244\.0\.2$/),
    ]);
    // The controller sorts a slice's ports by the md5 of each port's spew text (services/slice-port-order).
    expect(rows[3].split(' ')[3]).toBe('9153,53,53');
    // The lab shell prints the same table, and the names stay the same from read to read.
    const inShell = await shell('kubectl get endpointslices -A');
    expect(inShell.exitCode).toBe(0);
    expect(withoutAge(inShell.stdout)).toBe(withoutAge(real.stdout));
    expect(withoutAge((await kubectl(['get', 'endpointslice', '-A'])).stdout)).toBe(withoutAge(real.stdout));
  });

  it('shows a slice as YAML: endpoints with conditions, node and pod, the resolved port, owned by its Service', async () => {
    const name = (await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    expect(name).toMatch(/^web-\w{5}$/);
    const real = await kubectl(['get', 'endpointslice', name, '-o', 'yaml']);
    expect(real.rc).toBe(0);
    const object = JSON.parse((await kubectl(['get', 'endpointslice', name, '-o', 'json'])).stdout);
    expect(object).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      metadata: {
        name,
        namespace: 'default',
        generateName: 'web-',
        labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', controller: true, blockOwnerDeletion: true }],
      },
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    });
    expect(object.endpoints.map((e: { nodeName: string; targetRef: { name: string }; conditions: object }) => [e.targetRef.name, e.nodeName, e.conditions])).toEqual([
      ['web-1', 'minikube-m02', { ready: true, serving: true, terminating: false }],
      ['web-2', 'minikube-m03', { ready: true, serving: true, terminating: false }],
    ]);
    const inShell = await shell(`kubectl get endpointslice ${name} -o yaml`);
    expect(inShell).toMatchObject({ exitCode: 0, stdout: real.stdout });
  });

  it('shows a multi-port slice\'s ports in the controller\'s order in -o json and -o yaml, as in the table', async () => {
    const real = await kubectl(['get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'json']);
    expect(real.rc).toBe(0);
    const [slice] = JSON.parse(real.stdout).items;
    expect(slice.ports).toEqual([{ name: 'metrics', port: 9153, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
    const yaml = await kubectl(['get', 'endpointslice', slice.metadata.name, '-n', 'kube-system', '-o', 'yaml']);
    expect(yaml.stdout).toContain('ports:\n- name: metrics\n  port: 9153\n  protocol: TCP\n- name: dns\n  port: 53\n  protocol: UDP\n- name: dns-tcp\n  port: 53\n  protocol: TCP\n');
    expect(await shell(`kubectl get endpointslice ${slice.metadata.name} -n kube-system -o yaml`)).toMatchObject({ exitCode: 0, stdout: yaml.stdout });
  });

  it('keeps the slice in step with the ready pods: a deleted pod leaves it, the name stays', async () => {
    const before = (await shell('kubectl get endpointslices -l kubernetes.io/service-name=web -o name')).stdout;
    await shell('kubectl delete pod web-1');
    const after = await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    const web2 = (await kubectl(['get', 'pod', 'web-2', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(after.stdout.trimEnd().split('\n')[1].split(/\s+/).slice(0, 4)).toEqual([before.trim().replace('endpointslice.discovery.k8s.io/', ''), 'IPv4', '8080', web2]);
    const unknown = await shell('kubectl get endpointslice nope');
    expect(unknown).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): endpointslices.discovery.k8s.io "nope" not found\n' });
    expect(await kubectl(['get', 'endpointslice', 'nope'])).toMatchObject({ rc: 1, stderr: 'Error from server (NotFound): endpointslices.discovery.k8s.io "nope" not found\n' });
  });
});
