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
  const user: Chain[] = [];
  for (const chain of table.chains.values()) (isBuiltin(chain) ? builtins : user).push(chain);
  user.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...builtins, ...user];
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
