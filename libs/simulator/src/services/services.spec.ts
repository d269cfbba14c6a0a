import { applyCommand, initialState, SimulatorError } from '..';
import type { LabState } from '../cluster/types';
import type { ServiceInput } from './validate';
import { serviceEndpoints } from './endpoints';

function lab(cluster: Record<string, unknown> = {}): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'svc-lab', cluster }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  return state;
}

const web = (extra: Partial<ServiceInput> = {}): ServiceInput => ({
  namespace: 'default',
  name: 'web',
  selector: { app: 'web' },
  ports: [{ port: 80, targetPort: 8080 }],
  ...extra,
});

function refusal(run: () => unknown): SimulatorError {
  try {
    run();
  } catch (error) {
    if (error instanceof SimulatorError) return error;
    throw error;
  }
  throw new Error('the command was accepted');
}

function pod(state: LabState, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[] = [], nodeName?: string) {
  applyCommand(state, { type: 'createPod', namespace: 'default', name, labels, containers: [{ name: 'c', image: 'nginx', ports }], ...(nodeName ? { nodeName } : {}) });
}

describe('Services in the lab', () => {
  it('given a new lab, then default/kubernetes and kube-system/kube-dns exist as in minikube', () => {
    const state = lab();
    const kubernetes = state.services.get('default/kubernetes')!;
    const dns = state.services.get('kube-system/kube-dns')!;
    expect(kubernetes).toMatchObject({ clusterIP: '10.96.0.1', type: 'ClusterIP', selector: null, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }] });
    expect(dns).toMatchObject({ clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' } });
    expect(dns.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    expect(serviceEndpoints(state, kubernetes)[0].addresses).toEqual([{ address: { ip: '192.168.49.2', nodeName: 'minikube' }, port: 8443 }]);
    expect(serviceEndpoints(state, dns).map((p) => p.addresses.map((a) => `${a.address.ip}:${a.port}`))).toEqual([['10.244.0.2:53'], ['10.244.0.2:53'], ['10.244.0.2:9153']]);
  });

  it('allocates a free ClusterIP in the serviceCIDR and NodePorts in 30000-32767, deterministically', () => {
    const a = lab();
    const b = lab();
    for (const state of [a, b]) applyCommand(state, { type: 'applyService', service: web({ type: 'NodePort' }) });
    const service = a.services.get('default/web')!;
    expect(service.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(service.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(service.ports[0].nodePort).toBeLessThanOrEqual(32767);
    expect(b.services.get('default/web')).toEqual(service);
  });

  it('keeps a pinned ClusterIP and NodePort when free, and refuses them in use or outside the range', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: web({ type: 'NodePort', clusterIP: '10.96.5.5', ports: [{ port: 80, nodePort: 30080 }] }) });
    expect(state.services.get('default/web')).toMatchObject({ clusterIP: '10.96.5.5', ports: [{ nodePort: 30080, targetPort: 80 }] });

    const inUse = refusal(() => applyCommand(state, { type: 'applyService', service: web({ name: 'other', clusterIP: '10.96.0.10' }) }));
    expect(inUse.message).toBe('Service "other" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated');
    const outside = refusal(() => applyCommand(state, { type: 'applyService', service: web({ name: 'other', clusterIP: '10.0.0.1' }) }));
    expect(outside.message).toContain('the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    const portTaken = refusal(() => applyCommand(state, { type: 'applyService', service: web({ name: 'other', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }) }));
    expect([portTaken.path, portTaken.message]).toEqual(['spec.ports[0].nodePort', 'Service "other" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated']);
    const portOutside = refusal(() => applyCommand(state, { type: 'applyService', service: web({ name: 'other', type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }) }));
    expect(portOutside.message).toContain('Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('reports an exhausted service range', () => {
    const state = lab({ serviceCIDR: '10.96.0.0/28' });
    for (let i = 0; i < 12; i++) applyCommand(state, { type: 'applyService', service: web({ name: `s${i}` }) });
    const full = refusal(() => applyCommand(state, { type: 'applyService', service: web({ name: 'one-more' }) }));
    expect([full.code, full.message]).toEqual(['exhausted', 'Internal error occurred: failed to allocate a serviceIP: range is full']);
  });

  it.each([
    [{ ports: [{ port: 0 }] }, 'spec.ports[0].port', 'Invalid value: 0: must be between 1 and 65535, inclusive'],
    [{ ports: [] }, 'spec.ports', 'Required value'],
    [{ ports: [{ port: 80 }, { port: 81, name: 'b' }] }, 'spec.ports[0].name', 'Required value'],
    [{ ports: [{ port: 80, protocol: 'ICMP' as never }] }, 'spec.ports[0].protocol', 'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
    [{ ports: [{ port: 80, nodePort: 30001 }] }, 'spec.ports[0].nodePort', "Forbidden: may not be used when `type` is 'ClusterIP'"],
  ])('refuses invalid ports %#', (extra, path, message) => {
    const state = lab();
    const error = refusal(() => applyCommand(state, { type: 'applyService', service: web(extra) }));
    expect([error.code, error.path, error.message]).toEqual(['invalid', path, `Service "web" is invalid: ${path}: ${message}`]);
  });

  it('needs a DNS-1035 name (a Service name may not start with a digit)', () => {
    const error = refusal(() => applyCommand(lab(), { type: 'applyService', service: web({ name: '1web' }) }));
    expect([error.path, error.message]).toEqual([
      'metadata.name',
      'Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    ]);
  });

  it('an identical apply decides nothing; the ClusterIP may not change', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: web({ type: 'NodePort' }) });
    expect(applyCommand(state, { type: 'applyService', service: web({ type: 'NodePort' }) })).toEqual([]);
    const error = refusal(() => applyCommand(state, { type: 'applyService', service: web({ clusterIP: '10.96.9.9' }) }));
    expect(error.message).toBe('Service "web" is invalid: spec.clusterIP: Invalid value: "10.96.9.9": field is immutable');
  });
});

describe('the endpoint controller (derived)', () => {
  it('follows ready pods matching the selector, resolving a named targetPort per pod', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: web({ ports: [{ port: 80, targetPort: 'http' }] }) });
    pod(state, 'web-a', { app: 'web' }, [{ name: 'http', containerPort: 8080 }], 'minikube');
    pod(state, 'web-b', { app: 'web' }, [{ name: 'http', containerPort: 9090 }], 'minikube-m02');
    pod(state, 'web-c', { app: 'web' }, [{ name: 'metrics', containerPort: 9100 }]);
    pod(state, 'db', { app: 'db' }, [{ name: 'http', containerPort: 5432 }]);
    const endpoints = () => serviceEndpoints(state, state.services.get('default/web')!)[0].addresses.map((a) => `${a.address.pod} ${a.address.ip}:${a.port}`);
    expect(endpoints()).toEqual(['default/web-a 10.244.0.3:8080', 'default/web-b 10.244.1.2:9090']);

    applyCommand(state, { type: 'deletePod', namespace: 'default', name: 'web-a' });
    expect(endpoints()).toEqual(['default/web-b 10.244.1.2:9090']);
    // web-a, web-b, web-c (selected, though no port of it resolves), then web-a's deletion: db is not selected.
    expect(state.proxy.changes.filter((c) => c.service === 'default/web').map((c) => c.kind)).toEqual(['service', 'endpoints', 'endpoints', 'endpoints', 'endpoints']);
  });

  it('follows a relabelled pod out of and back into the selector', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: web() });
    pod(state, 'web-a', { app: 'web' });
    const endpoints = () => serviceEndpoints(state, state.services.get('default/web')!)[0].addresses.map((a) => a.address.pod);
    expect(endpoints()).toEqual(['default/web-a']);
    applyCommand(state, { type: 'labelPod', namespace: 'default', name: 'web-a', labels: { app: 'other' } });
    expect(endpoints()).toEqual([]);
    applyCommand(state, { type: 'labelPod', namespace: 'default', name: 'web-a', labels: { app: 'web', tier: 'front' } });
    expect(endpoints()).toEqual(['default/web-a']);
  });
});
