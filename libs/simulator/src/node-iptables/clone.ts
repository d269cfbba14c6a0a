import type { Netfilter, Table } from '../iptables';
import { TABLE_NAMES } from '../iptables';

/** A copy the caller may change (rules are copied too: -Z replaces their counters). */
export function cloneNetfilter(netfilter: Netfilter): Netfilter {
  const copy = {} as Netfilter;
  for (const name of TABLE_NAMES) {
    const table = netfilter[name];
    const chains: Table['chains'] = new Map();
    for (const [key, chain] of table.chains) {
      chains.set(key, { ...chain, policyCounters: { ...chain.policyCounters }, rules: chain.rules.map((rule) => ({ ...rule, counters: { ...rule.counters } })) });
    }
    copy[name] = { name, exists: table.exists, chains };
  }
  return copy;
}
