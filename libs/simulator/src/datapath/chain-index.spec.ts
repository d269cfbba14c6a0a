import fc from 'fast-check';
import type { Chain, Rule, TableName } from '../iptables';
import { chainForDestination } from './chain-index';
import { flowDraws, runChain, type FilterPacket } from './netfilter-eval';

const ADDRESSES = [0x0a600001, 0x0a600002, 0x0a600003, 0x0a600100, 0xc0a83102];

const destination = fc.oneof(
  fc.constant(undefined),
  fc.record({ address: fc.constantFrom(...ADDRESSES), prefix: fc.constant(32), invert: fc.boolean() }),
  fc.record({ address: fc.constant(0x0a600000), prefix: fc.constantFrom(16, 24), invert: fc.boolean() }),
);

const target = fc.oneof(
  fc.constant(undefined),
  fc.constant({ kind: 'jump' as const, chain: 'KUBE-SVC-X' }),
  fc.constant({ kind: 'verdict' as const, verdict: 'RETURN' as const }),
  fc.constant({ kind: 'MARK' as const, value: 0x4000, mask: 0x4000 }),
  fc.constantFrom(...ADDRESSES).map((address) => ({ kind: 'DNAT' as const, toDestination: `10.244.${address & 255}.7:80` })),
);

const rule = fc.record({ destination, target, tcp: fc.option(fc.constantFrom(80, 443), { nil: undefined }) }).map(({ destination, target, tcp }): Rule => ({
  ...(destination ? { destination } : {}),
  ...(target ? { target } : {}),
  ...(tcp !== undefined ? { protocol: { name: 'tcp' as const, invert: false } } : {}),
  matches: tcp !== undefined ? [{ kind: 'tcp', dport: { from: tcp, to: tcp } }] : [],
  counters: { packets: 0, bytes: 0 },
} as Rule));

const chain = (name: string, rules: Rule[], policy?: 'ACCEPT'): Chain => ({ name, rules, policyCounters: { packets: 0, bytes: 0 }, ...(policy ? { policy } : {}) });

describe('chainForDestination', () => {
  it('a packet meets the same rules and gets the same verdict and mark on the indexed view as on the whole chain', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 60, maxLength: 200 }), fc.constantFrom(...ADDRESSES, 0x0a600005), fc.constantFrom(80, 443), fc.integer({ min: 1, max: 1000 }), (rules, dst, dstPort, seed) => {
        const services = chain('KUBE-SERVICES', rules);
        const svc = chain('KUBE-SVC-X', [{ matches: [], target: { kind: 'DNAT', toDestination: '10.244.9.9:8080' }, counters: { packets: 0, bytes: 0 } } as Rule]);
        const prerouting = chain('PREROUTING', [{ matches: [], target: { kind: 'jump', chain: 'KUBE-SERVICES' }, counters: { packets: 0, bytes: 0 } } as Rule], 'ACCEPT');
        const tables = new Map([['PREROUTING', prerouting], ['KUBE-SERVICES', services], ['KUBE-SVC-X', svc]]);
        const packet: FilterPacket = { src: 0x0af40102, dst, protocol: 'tcp', srcPort: 40000, dstPort, mark: 0, ctstates: ['NEW'], isLocal: () => false };
        const whole = runChain((_table: TableName, name) => tables.get(name), 'nat', 'PREROUTING', packet, flowDraws(seed));
        const viewed = runChain((_table: TableName, name) => { const found = tables.get(name); return found && chainForDestination(found, dst, 'g1'); }, 'nat', 'PREROUTING', packet, flowDraws(seed));
        expect(viewed.verdict).toEqual(whole.verdict);
        expect(viewed.mark).toBe(whole.mark);
        expect(viewed.matched.map((entry) => [entry.chain, entry.rule])).toEqual(whole.matched.map((entry) => [entry.chain, entry.rule]));
        expect(viewed.decidedBy?.rule).toBe(whole.decidedBy?.rule);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves short chains alone and follows the chain when its rules change', () => {
    const short = chain('KUBE-SERVICES', []);
    expect(chainForDestination(short, ADDRESSES[0], 'g1')).toBe(short);
    const rules = Array.from({ length: 100 }, (_, i): Rule => ({ destination: { address: ADDRESSES[i % 2], prefix: 32, invert: false }, matches: [], counters: { packets: 0, bytes: 0 } }));
    const long = chain('KUBE-SERVICES', rules);
    expect(chainForDestination(long, ADDRESSES[0], 'g1').rules).toHaveLength(50);
    long.rules.push({ destination: { address: ADDRESSES[0], prefix: 32, invert: false }, matches: [], counters: { packets: 0, bytes: 0 } });
    expect(chainForDestination(long, ADDRESSES[0], 'g1').rules).toHaveLength(51);
    long.rules[0] = { destination: { address: ADDRESSES[1], prefix: 32, invert: false }, matches: [], counters: { packets: 0, bytes: 0 } };
    expect(chainForDestination(long, ADDRESSES[0], 'g2').rules).toHaveLength(50);
  });
});
