import { applyCommand, initialState } from '..';
import type { LabState } from '../cluster/types';
import { terminal } from '../shell/test-lab';
import { endpointSlices, formatSliceEndpoints, formatSlicePorts, serviceEndpointSlices } from './endpoint-slices';

function lab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'slices', cluster: {} }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  return state;
}

const pod = (state: LabState, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[]) =>
  applyCommand(state, { type: 'createPod', namespace: 'default', name, labels, containers: [{ name: 'c', image: 'nginx', ports }] });

const service = (state: LabState, name: string, app: string, targetPort: number | string) =>
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name, selector: { app }, ports: [{ port: 80, targetPort }] } });

describe('EndpointSlices', () => {
  it('gives the API server its own slice and each selecting Service one named <service>-<5 chars>, the same on every read', () => {
    const state = lab();
    pod(state, 'web-1', { app: 'web' }, []);
    service(state, 'web', 'web', 8080);
    const slices = endpointSlices(state);
    expect(slices.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'default/kubernetes',
      expect.stringMatching(/^default\/web-[bcdfghjklmnpqrstvwxz2456789]{5}$/),
      expect.stringMatching(/^kube-system\/kube-dns-[bcdfghjklmnpqrstvwxz2456789]{5}$/),
    ]);
    expect(slices[0]).toMatchObject({ ports: [{ name: 'https', port: 8443, protocol: 'TCP' }], endpoints: [{ ip: '192.168.49.2', ready: true }] });
    expect(slices[0].endpoints[0].nodeName).toBeUndefined();
    expect(slices[0].labels).toEqual({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slices[1]).toMatchObject({ generateName: 'web-', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } });
    expect(slices[1].endpoints.map((e) => e.pod?.name)).toEqual(['web-1']);
    expect(endpointSlices(state).map((s) => s.name)).toEqual(slices.map((s) => s.name));
  });

  it('keeps a placeholder without ports or endpoints while no pod is ready, then the pods under the same name', () => {
    const state = lab();
    service(state, 'web', 'web', 'http');
    const [placeholder] = serviceEndpointSlices(state, state.services.get('default/web')!);
    expect(placeholder).toMatchObject({ ports: [], endpoints: [] });
    expect([formatSlicePorts(placeholder.ports), formatSliceEndpoints([])]).toEqual(['<unset>', '<unset>']);
    pod(state, 'web-1', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
    const [filled] = serviceEndpointSlices(state, state.services.get('default/web')!);
    expect(filled).toMatchObject({ name: placeholder.name, ports: [{ name: '', port: 8080, protocol: 'TCP' }] });
  });

  it('groups pods by the port their named targetPort resolves to, and puts at most 100 endpoints in a slice', () => {
    const state = lab();
    for (let i = 0; i < 103; i++) pod(state, `a-${String(i).padStart(3, '0')}`, { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
    pod(state, 'b', { app: 'web' }, [{ name: 'http', containerPort: 9090 }]);
    pod(state, 'no-port', { app: 'web' }, []);
    service(state, 'web', 'web', 'http');
    const slices = serviceEndpointSlices(state, state.services.get('default/web')!);
    expect(slices.map((s) => [s.ports.map((p) => p.port).join(','), s.endpoints.length])).toEqual([
      ['8080', 100],
      ['8080', 3],
      ['9090', 1],
      ['', 1],
    ]);
    expect(new Set(slices.map((s) => s.name)).size).toBe(4);
    expect(formatSliceEndpoints(slices[0].endpoints.map((e) => ({ addresses: [e.ip] })))).toMatch(/^10\.244\.\d+\.\d+,10\.244\.\d+\.\d+,10\.244\.\d+\.\d+ \+ 97 more\.\.\.$/);
  });

  it('lists a multi-port slice\'s ports in the controller\'s order: kube-dns\'s as 9153,53,53', () => {
    const t = terminal(lab());
    const [slice] = serviceEndpointSlices(t.state, t.state.services.get('kube-system/kube-dns')!);
    expect(slice.ports).toEqual([{ name: 'metrics', protocol: 'TCP', port: 9153 }, { name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }]);
    expect(t.run('kubectl get endpointslices -n kube-system --no-headers').output.stdout).toMatch(/^kube-dns-\w{5} +IPv4 +9153,53,53 +10\.244\.0\.2 +\d+s\n$/);
  });

  it('lists them in the lab shell as kubectl does: NAME ADDRESSTYPE PORTS ENDPOINTS AGE, by -l and -o name', () => {
    const t = terminal(lab());
    t.run('kubectl run web --image nginx --labels=app=web');
    t.run('kubectl expose pod web --port 80');
    const ip = t.state.pods.get('default/web')!.ip;
    const table = t.run('kubectl get endpointslices').output.stdout.split('\n');
    expect(table[0]).toMatch(/^NAME +ADDRESSTYPE +PORTS +ENDPOINTS +AGE$/);
    expect(table[1]).toMatch(/^kubernetes +IPv4 +8443 +192\.168\.49\.2 +\d+s$/);
    expect(table[2]).toMatch(new RegExp(`^web-\\w{5} +IPv4 +80 +${ip.replace(/\./g, '\\.')} +\\d+s$`));
    expect(t.run('kubectl get endpointslice -l kubernetes.io/service-name=web -o name').output.stdout).toMatch(/^endpointslice\.discovery\.k8s\.io\/web-\w{5}\n$/);
    expect(t.run('kubectl get endpointslices -A --no-headers').output.stdout).toMatch(/\nkube-system +kube-dns-\w{5} +IPv4 +\S+ +10\.244\.0\.2 +\d+s\n$/);
  });
});
