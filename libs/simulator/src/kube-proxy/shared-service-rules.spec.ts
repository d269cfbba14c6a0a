import { restoreText } from './apply-writes';
import { KubeProxyRuleBuilder } from './ruleset';
import type { ServiceChange } from './service-set';
import { SharedServiceRules } from './shared-service-rules';
import type { EndpointInput, ServiceInput } from './types';

const cluster = { podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' };
const node = (i: number) => ({ name: `node-${i}`, ip: `192.168.49.${i + 2}` });

const service = (i: number, extra: Partial<ServiceInput> = {}): ServiceInput => ({
  namespace: 'default',
  name: `svc${i}`,
  type: i % 3 === 0 ? 'NodePort' : 'ClusterIP',
  clusterIP: `10.96.1.${i + 1}`,
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, ...(i % 3 === 0 ? { nodePort: 30000 + i } : {}) }],
  ...(i % 4 === 0 ? { sessionAffinity: 'ClientIP' as const } : {}),
  ...extra,
});
const endpoint = (i: number, j: number): EndpointInput => ({ ip: `10.244.${j % 3}.${i * 10 + j + 2}`, port: 8080, nodeName: `node-${j % 3}`, ready: true, serving: true, terminating: false });

/** A lab's Services and endpoints, changed in place as a lab's are. */
function lab(count: number, perService: (i: number) => number) {
  const services: ServiceInput[] = [];
  const endpoints = new Map<string, EndpointInput[]>();
  for (let i = 0; i < count; i++) {
    services.push(service(i));
    endpoints.set(`default/svc${i}:http`, Array.from({ length: perService(i) }, (_, j) => endpoint(i, j)));
  }
  const change = (key: string): ServiceChange => {
    const s = services.find((candidate) => `${candidate.namespace}/${candidate.name}` === key);
    return { key, service: s, endpoints: new Map(s ? [[`${key}:http`, endpoints.get(`${key}:http`) ?? []]] : []) };
  };
  return { input: { services, endpoints }, change };
}

const scratch = (input: { services: ServiceInput[]; endpoints: Map<string, EndpointInput[]> }, version: '1.26' | '1.28+' = '1.28+') =>
  restoreText(new KubeProxyRuleBuilder(node(9), cluster, version).fullSync({ services: input.services.map((s) => ({ ...s })), endpoints: input.endpoints }));

describe('SharedServiceRules', () => {
  it.each(['1.26', '1.28+'] as const)('gives a node (%s) the full sync it would build itself, before and after Service and endpoint changes', (version) => {
    const { input, change } = lab(30, (i) => i % 5);
    const shared = new SharedServiceRules(cluster.clusterCIDR);
    shared.build(input);
    expect(restoreText(new KubeProxyRuleBuilder(node(1), cluster, version).fullSync(input, undefined, shared))).toBe(scratch(input, version));

    input.endpoints.set('default/svc4:http', [endpoint(4, 7), endpoint(4, 1)]);
    input.services[7] = service(7, { clusterIP: '10.96.2.7' });
    input.services.push(service(40));
    input.endpoints.set('default/svc40:http', [endpoint(40, 0)]);
    input.services.splice(2, 1);
    input.endpoints.delete('default/svc2:http');
    shared.update(input, ['default/svc4', 'default/svc7', 'default/svc40', 'default/svc2'].map(change));
    expect(restoreText(new KubeProxyRuleBuilder(node(2), cluster, version).fullSync(input, undefined, shared))).toBe(scratch(input, version));
  });

  it('is not changed by a node\'s later partial syncs, which write what a builder of its own writes', () => {
    const { input, change } = lab(20, () => 2);
    const shared = new SharedServiceRules(cluster.clusterCIDR);
    shared.build(input);
    const adopted = new KubeProxyRuleBuilder(node(1), cluster, '1.28+');
    const own = new KubeProxyRuleBuilder(node(1), cluster, '1.28+');
    adopted.fullSync(input, undefined, shared);
    own.fullSync(input);
    const before = restoreText(new KubeProxyRuleBuilder(node(2), cluster, '1.28+').fullSync(input, undefined, shared));

    const changed = { ...input, endpoints: new Map(input.endpoints) };
    changed.endpoints.set('default/svc3:http', [endpoint(3, 5)]);
    const changes = [{ ...change('default/svc3'), endpoints: new Map([['default/svc3:http', changed.endpoints.get('default/svc3:http')!]]) }];
    expect(restoreText(adopted.partialSync(changes, () => true))).toBe(restoreText(own.partialSync(changes, () => true)));
    expect(restoreText(new KubeProxyRuleBuilder(node(2), cluster, '1.28+').fullSync(input, undefined, shared))).toBe(before);
  });

  it('leaves a node to build its own rules while a Service has a Local traffic policy', () => {
    const { input, change } = lab(10, () => 3);
    input.services[3] = service(3, { externalTrafficPolicy: 'Local' });
    const shared = new SharedServiceRules(cluster.clusterCIDR);
    shared.build(input);
    const local = restoreText(new KubeProxyRuleBuilder(node(0), cluster, '1.28+').fullSync(input, undefined, shared));
    expect(local).not.toBe(restoreText(new KubeProxyRuleBuilder(node(1), cluster, '1.28+').fullSync(input, undefined, shared)));
    expect(local).toBe(restoreText(new KubeProxyRuleBuilder(node(0), cluster, '1.28+').fullSync(input)));

    input.services[3] = service(3);
    shared.update(input, [change('default/svc3')]);
    expect(restoreText(new KubeProxyRuleBuilder(node(0), cluster, '1.28+').fullSync(input, undefined, shared))).toBe(scratch(input));
  });

  it('writes every Service again when a change crosses the large-cluster threshold (comments go)', () => {
    const { input, change } = lab(10, () => 100);
    const shared = new SharedServiceRules(cluster.clusterCIDR);
    shared.build(input);
    expect(restoreText(new KubeProxyRuleBuilder(node(1), cluster, '1.28+').fullSync(input, undefined, shared))).toContain('-> 10.244.0.2:8080');

    input.endpoints.set('default/svc0:http', Array.from({ length: 101 }, (_, j) => endpoint(0, j)));
    shared.update(input, [change('default/svc0')]);
    const large = restoreText(new KubeProxyRuleBuilder(node(1), cluster, '1.28+').fullSync(input, undefined, shared));
    expect(large).not.toContain('->');
    expect(large).toBe(scratch(input));
  });
});
