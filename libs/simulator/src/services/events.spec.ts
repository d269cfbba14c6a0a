import { labEvents } from '@hoplab/events';
import { applyCommand, initialState } from '..';

describe('the Service and kube-proxy events the lab decides', () => {
  it('validate against their registered schemas', () => {
    const state = initialState();
    const events = [
      ...applyCommand(state, { type: 'createLab', name: 'schemas' }, 0),
      ...applyCommand(state, { type: 'addNode' }, 0),
      ...applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } }, 0),
      ...applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'lb', type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 53, protocol: 'UDP' }] } }, 0),
      ...applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'headless', clusterIP: 'None', selector: { app: 'web' } } }, 0),
      ...applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-t', 'nat', '-F'] }, 1_000),
      ...applyCommand(state, { type: 'restartKubeProxy' }, 2_000),
      ...applyCommand(state, { type: 'deleteService', namespace: 'default', name: 'lb' }, 3_000),
    ];
    const types = new Set(events.map((event) => event.type));
    for (const type of ['ServiceApplied', 'ServiceDeleted', 'IptablesChanged', 'KubeProxyRestarted']) expect(types.has(type)).toBe(true);
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
  });
});
