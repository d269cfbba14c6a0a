import { createNetfilter, runIptables, saveRuleSpec } from '../iptables';
import { applyWrites } from './apply-writes';
import { EndpointChain, LazyChain, ruleCount, ServiceChain } from './endpoint-chains';
import { KubeProxyRuleBuilder } from './ruleset';
import type { EndpointInput, ServiceInput } from './types';

const cluster = { podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' };
const web: ServiceInput = {
  namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '10.96.0.20', sessionAffinity: 'ClientIP',
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
};
const endpoint = (ip: string): EndpointInput => ({ ip, port: 8080, nodeName: 'node-1', ready: true, serving: true, terminating: false });
const input = { services: [web], endpoints: new Map([['default/web:http', [endpoint('10.244.1.5'), endpoint('10.244.2.7')]]]) };

describe('lazy SVC and SEP chains', () => {
  it('know their rule count before their rules are made, and make the same rules once for every reader', () => {
    const sync = new KubeProxyRuleBuilder({ name: 'node-1', ip: '192.168.49.2' }, cluster, '1.28+').fullSync(input);
    const lazy = sync.writes[1].chains.filter((chain) => chain instanceof LazyChain);
    expect(lazy.map((chain) => chain.constructor.name)).toEqual(['ServiceChain', 'EndpointChain', 'EndpointChain']);
    // masquerade + two affinity checks + two jumps; masquerade + DNAT per endpoint.
    expect(lazy.map(ruleCount)).toEqual([5, 2, 2]);
    const [svc, sep] = lazy as [ServiceChain, EndpointChain];
    expect(svc.rules.map(saveRuleSpec).slice(3)).toEqual([
      ` -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.50000000000 -j ${sep.name}`,
      ` -m comment --comment "default/web:http -> 10.244.2.7:8080" -j ${lazy[2].name}`,
    ]);
    expect(sep.rules.map(saveRuleSpec)).toEqual([
      ' -s 10.244.1.5/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ',
      ` -p tcp -m comment --comment "default/web:http" -m recent --set --name ${sep.name} --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.5:8080`,
    ]);
    expect(sep.rules).toBe(sep.rules);
    expect(lazy.map(ruleCount)).toEqual(lazy.map((chain) => chain.rules.length));
  });

  it('are shared by the nodes\' tables until a command on one node replaces a chain\'s rules there only', () => {
    const a = createNetfilter();
    const b = createNetfilter();
    expect(applyWrites(a, new KubeProxyRuleBuilder({ name: 'node-1', ip: '192.168.49.2' }, cluster, '1.28+').fullSync(input))).toEqual({ ok: true });
    expect(applyWrites(b, new KubeProxyRuleBuilder({ name: 'node-2', ip: '192.168.49.3' }, cluster, '1.28+').fullSync(input))).toEqual({ ok: true });
    const sep = [...a.nat.chains.keys()].find((name) => name.startsWith('KUBE-SEP-'))!;
    expect(a.nat.chains.get(sep)!.rules).toBe(b.nat.chains.get(sep)!.rules);
    expect(runIptables(a, ['-t', 'nat', '-F', sep])).toMatchObject({ exitCode: 0 });
    expect(a.nat.chains.get(sep)!.rules).toEqual([]);
    expect(b.nat.chains.get(sep)!.rules).toHaveLength(2);
  });
});
