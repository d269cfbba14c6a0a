import { createNetfilter, runIptables } from '../iptables';
import { applyWrites, restoreText } from './apply-writes';
import { KubeProxyRuleBuilder } from './ruleset';
import type { EndpointInput, ServiceInput } from './types';

const cluster = { podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' };
const service = (i: number): ServiceInput => ({
  namespace: 'default', name: `svc${i}`, type: 'ClusterIP', clusterIP: `10.96.1.${i + 1}`,
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
});
const endpoint = (i: number): EndpointInput => ({ ip: `10.244.2.${i + 2}`, port: 8080, nodeName: 'node-2', ready: true, serving: true, terminating: false });

describe('applyWrites', () => {
  it('names the line of the restore text where it fails, in the nat block after the filter block', () => {
    const services = [0, 1, 2].map(service);
    const endpoints = new Map(services.map((s, i) => [`default/${s.name}:http`, [endpoint(i)]]));
    const builder = new KubeProxyRuleBuilder({ name: 'node-1', ip: '192.168.49.2' }, cluster, '1.28+');
    const netfilter = createNetfilter();
    expect(applyWrites(netfilter, builder.fullSync({ services, endpoints }))).toEqual({ ok: true });
    runIptables(netfilter, ['-t', 'nat', '-F']);
    runIptables(netfilter, ['-t', 'nat', '-X']);
    // svc1 changes: the partial sync's KUBE-SERVICES still jumps to svc0's chain, which -X deleted.
    const sync = builder.partialSync([{ key: 'default/svc1', service: services[1], endpoints: new Map([['default/svc1:http', [endpoint(5)]]]) }]);
    const result = applyWrites(netfilter, sync);
    const lines = restoreText(sync).split('\n');
    const failing = lines.findIndex((line) => line.startsWith('-A KUBE-SERVICES') && line.includes('default/svc0:http')) + 1;
    expect(failing).toBeGreaterThan(lines.indexOf('*nat') + 1);
    expect(result).toEqual({ ok: false, stderr: expect.stringContaining(`line: ${failing}\n`), exitCode: 2 });
  });
});
