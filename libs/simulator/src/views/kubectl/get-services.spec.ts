import { applyCommand } from '../../model/apply';
import { initialState } from '../../model/state';
import { battery } from '../golden/golden-text';
import { kubectlGetEndpoints, kubectlGetServices, servicesTable } from './get-services';

const minute = 60_000;

function lab() {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'svc', cluster: {} }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  return state;
}

describe('kubectl get svc', () => {
  it('matches the battery capture for the default namespace (kubernetes, 120m)', () => {
    const state = lab();
    expect(kubectlGetServices(state, { now: 120 * minute })).toEqual({ ...battery('05-get-svc'), exitCode: 0 });
  });

  it('-A -o wide lists kube-dns with its three ports and selector, and a NodePort service', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', type: 'NodePort', clusterIP: '10.96.20.30', selector: { app: 'web', tier: 'front' }, ports: [{ port: 80, nodePort: 30080 }] } }, 5 * minute);
    expect(kubectlGetServices(state, { allNamespaces: true, wide: true, now: 10 * minute }).stdout).toBe(
      [
        'NAMESPACE     NAME         TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE   SELECTOR',
        'default       kubernetes   ClusterIP   10.96.0.1     <none>        443/TCP                  10m   <none>',
        'default       web          NodePort    10.96.20.30   <none>        80:30080/TCP             5m    app=web,tier=front',
        'kube-system   kube-dns     ClusterIP   10.96.0.10    <none>        53/UDP,53/TCP,9153/TCP   10m   k8s-app=kube-dns',
        '',
      ].join('\n'),
    );
    expect(servicesTable(state).rows[0].object.metadata).toMatchObject({ name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } });
  });

  it('says so when a namespace has none', () => {
    expect(kubectlGetServices(lab(), { namespace: 'kube-public' })).toEqual({ stdout: '', stderr: 'No resources found in kube-public namespace.\n', exitCode: 0 });
  });
});

describe('kubectl get endpoints', () => {
  it('shows the API server, CoreDNS, up to three addresses then "+ N more...", and <none> without ready pods', () => {
    const state = lab();
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }, 0);
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'idle', selector: { app: 'idle' }, ports: [{ port: 80 }] } }, 0);
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5']) {
      applyCommand(state, { type: 'createPod', namespace: 'default', name, labels: { app: 'web' }, containers: [{ name: 'c', image: 'nginx' }] }, 0);
    }
    expect(kubectlGetEndpoints(state, { allNamespaces: true, now: 3 * minute }).stdout).toBe(
      [
        'NAMESPACE     NAME         ENDPOINTS                                                     AGE',
        'default       idle         <none>                                                        3m',
        'default       kubernetes   192.168.49.2:8443                                             3m',
        'default       web          10.244.1.2:8080,10.244.1.3:8080,10.244.1.4:8080 + 2 more...   3m',
        'kube-system   kube-dns     10.244.0.2:53,10.244.0.2:53,10.244.0.2:9153                   3m',
        '',
      ].join('\n'),
    );
  });
});
