import { applyCommand, initialState } from '@hoplab/simulator';
import type { LabState } from '@hoplab/simulator';
import { nodeIptablesSave, runNodeIptables } from '@hoplab/simulator/node-iptables';
import { useIptablesNamespace, VIEWS, withoutTimestamps } from './support/real-iptables';

/**
 * A lab's node tables (not a hand-made kube-proxy input) against the real iptables 1.8.9: a
 * minikube-flannel lab with a few Services, its node's iptables-save loaded into a fresh network
 * namespace with iptables-restore, then every view compared. Needs root, iproute2 and iptables.
 */
const NAMESPACE = `hl-iptlab-${process.pid}`;

function lab(version: '1.26' | '1.28+'): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'real-check', cluster: { kubeProxy: { version } } }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  const web = { name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] };
  for (const name of ['web-1', 'web-2', 'web-3']) applyCommand(state, { type: 'createPod', namespace: 'default', name, labels: { app: 'web' }, containers: [web] }, 0);
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'api-1', labels: { app: 'api' }, containers: [{ name: 'api', image: 'api' }] }, 0);
  const service = (name: string, extra: object) => applyCommand(state, { type: 'applyService', service: { namespace: 'default', name, ...extra } }, 0);
  service('web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] });
  service('api', { selector: { app: 'api' }, sessionAffinity: 'ClientIP', ports: [{ name: 'grpc', port: 9000, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] });
  service('local', { type: 'NodePort', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] });
  service('empty', { type: 'NodePort', selector: { app: 'none' }, ports: [{ port: 81 }] });
  service('headless', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] });
  return state;
}

describe.each(['1.26', '1.28+'] as const)('a lab node\'s iptables vs the real iptables, kube-proxy %s', (version) => {
  const real = useIptablesNamespace(NAMESPACE);

  it.each([
    ['as kube-proxy left them', [] as string[][]],
    ['after the user flushed filter and added a rule', [['-F'], ['-A', 'INPUT', '-s', '10.1.2.0/24', '-p', 'tcp', '--dport', '22', '-j', 'DROP']]],
  ])('%s: iptables-restore of HopLab\'s iptables-save prints back identically in every view', (_, mutations) => {
    const state = lab(version);
    for (const args of mutations) applyCommand(state, { type: 'iptables', node: 'minikube', args }, 5_000);
    const save = nodeIptablesSave(state, 'minikube', { time: 10_000 });
    for (const rule of ['"default/api:grpc cluster IP"', '--probability 0.33333333349', '-m recent --rcheck --seconds 10800', '--to-destination 10.244.']) {
      expect(save).toContain(rule);
    }
    // The filter table's REJECT for a Service without endpoints, until the user flushes filter.
    expect(save.includes('"default/empty has no endpoints"')).toBe(mutations.length === 0);
    real(['iptables', '-F']);
    for (const table of ['filter', 'nat', 'mangle']) {
      real(['iptables', '-t', table, '-F']);
      real(['iptables', '-t', table, '-X']);
    }
    real(['iptables-restore'], save);

    expect(withoutTimestamps(real(['iptables-save']))).toBe(withoutTimestamps(save));
    for (const view of VIEWS) {
      const simulated = runNodeIptables(state, 'minikube', view, 10_000);
      expect(simulated.exitCode).toBe(0);
      expect({ view: view.join(' '), text: simulated.stdout }).toEqual({ view: view.join(' '), text: real(['iptables', ...view]) });
    }
  });
});
