import { createNetfilter, saveRuleSpec } from '../iptables';
import { applyWrites } from './apply-writes';
import { KubeProxyRuleBuilder, type ServiceChange, type SyncOutput } from './ruleset';
import type { EndpointInput, ServiceInput } from './types';

const node = { name: 'node-1', ip: '192.168.49.2' };
const cluster = { podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' };

const service = (i: number): ServiceInput => ({
  namespace: 'default',
  name: `svc${i}`,
  type: i % 3 === 0 ? 'NodePort' : 'ClusterIP',
  clusterIP: `10.96.1.${i + 1}`,
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, ...(i % 3 === 0 ? { nodePort: 30000 + i } : {}) }],
  ...(i % 7 === 0 ? { externalTrafficPolicy: 'Local' as const } : {}),
});
const endpoint = (i: number, j: number): EndpointInput => ({ ip: `10.244.${j % 3}.${i * 10 + j + 2}`, port: 8080, nodeName: `node-${j % 3}`, ready: true, serving: true, terminating: false });

/** A small deterministic random source (the simulator draws none of its own here). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

const text = (sync: SyncOutput, table: 0 | 1, chain: string) => sync.writes[table].chains.find((c) => c.name === chain)!.rules.map((r) => saveRuleSpec(r));

describe('KubeProxyRuleBuilder partial syncs', () => {
  it('patch the top-level chains to what a full sync of the same services writes, and clean up exactly the stale chains', () => {
    const random = lcg(42);
    const services = new Map<string, ServiceInput>();
    const endpoints = new Map<string, EndpointInput[]>();
    for (let i = 0; i < 40; i++) {
      const s = service(i);
      services.set(`default/svc${i}`, s);
      endpoints.set(`default/svc${i}:http`, Array.from({ length: 1 + (i % 5) }, (_, j) => endpoint(i, j)));
    }
    const builder = new KubeProxyRuleBuilder(node, cluster, '1.28+');
    const netfilter = createNetfilter();
    expect(applyWrites(netfilter, builder.fullSync({ services: [...services.values()], endpoints }), true)).toEqual({ ok: true });

    for (let round = 0; round < 60; round++) {
      const changes: ServiceChange[] = [];
      // One round changes more services than are spliced one by one (the chains are rebuilt).
      const count = round === 30 ? 70 : 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++) {
        const i = Math.floor(random() * 45);
        const key = `default/svc${i}`;
        const roll = random();
        if (roll < 0.15) {
          services.delete(key);
          endpoints.delete(`${key}:http`);
        } else {
          if (!services.has(key)) services.set(key, service(i));
          const list = endpoints.get(`${key}:http`) ?? [];
          endpoints.set(`${key}:http`, roll < 0.5 ? list.slice(1) : [...list, endpoint(i, 10 + round)]);
        }
        const current = services.get(key);
        changes.push({ key, service: current, endpoints: new Map(current ? [[`${key}:http`, endpoints.get(`${key}:http`)!]] : []) });
      }
      const cleanup = round % 4 === 0;
      const before = new Set(netfilter.nat.chains.keys());
      const partial = builder.partialSync(changes, cleanup ? (name) => netfilter.nat.chains.has(name) : undefined);
      expect(applyWrites(netfilter, partial, true)).toEqual({ ok: true });

      const full = new KubeProxyRuleBuilder(node, cluster, '1.28+').fullSync({ services: [...services.values()], endpoints });
      for (const [table, chain] of [[0, 'KUBE-SERVICES'], [0, 'KUBE-EXTERNAL-SERVICES'], [1, 'KUBE-SERVICES'], [1, 'KUBE-NODEPORTS']] as const) {
        expect(text(partial, table, chain)).toEqual(text(full, table, chain));
      }
      if (cleanup) {
        // What a scan of the table would delete: service chains no current service writes.
        const active = new Set(full.writes[1].chains.map((c) => c.name));
        const stale = [...before].filter((name) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(name) && !active.has(name));
        expect(partial.writes[1].deleted.sort()).toEqual(stale.sort());
        expect([...netfilter.nat.chains.keys()].filter((name) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(name)).sort()).toEqual([...active].filter((name) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(name)).sort());
      }
    }
  });
});
