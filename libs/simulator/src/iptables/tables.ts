import { BUILTIN_CHAINS, TABLE_NAMES } from './types';
import type { Chain, Netfilter, Table, TableName } from './types';

export function createTable(name: TableName): Table {
  const chains = new Map<string, Chain>();
  for (const chain of BUILTIN_CHAINS[name]) {
    chains.set(chain, { name: chain, policy: 'ACCEPT', policyCounters: { packets: 0, bytes: 0 }, rules: [] });
  }
  return { name, exists: false, chains };
}

/** A fresh network namespace: every table empty, none yet created in the kernel. */
export function createNetfilter(): Netfilter {
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, createTable(name)])) as Netfilter;
}

export function isBuiltin(chain: Chain): boolean {
  return chain.policy !== undefined;
}

export function newUserChain(name: string): Chain {
  return { name, policyCounters: { packets: 0, bytes: 0 }, rules: [] };
}

/** Chains in the order iptables-save and -L print them: built-ins in hook order, then user chains by strcmp. */
export function chainsInOrder(table: Table): Chain[] {
  const builtins: Chain[] = [];
  const user: string[] = [];
  for (const chain of table.chains.values()) {
    if (isBuiltin(chain)) builtins.push(chain);
    else user.push(chain.name);
  }
  // The default sort compares UTF-16 code units: strcmp for chain names, and much faster than a comparator at 100,000 chains.
  user.sort();
  for (const name of user) builtins.push(table.chains.get(name)!);
  return builtins;
}

/** Number of rules in the table that jump to each chain. */
export function referenceCounts(table: Table): Map<string, number> {
  const counts = new Map<string, number>();
  for (const chain of table.chains.values()) {
    for (const rule of chain.rules) {
      if (rule.target?.kind === 'jump') counts.set(rule.target.chain, (counts.get(rule.target.chain) ?? 0) + 1);
    }
  }
  return counts;
}
