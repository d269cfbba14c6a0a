import { restoreFailure, saveRuleSpec } from '../iptables';
import type { Chain, Netfilter, RestoreResult, Rule } from '../iptables';
import { validateRule } from '../iptables/exec-command';
import { LazyChain, ruleCount } from './endpoint-chains';
import type { SyncOutput, TableWrite } from './ruleset';

/** A user chain's policy counters never count (replaced, not changed, like every counter). */
const NO_POLICY_COUNTERS = Object.freeze({ packets: 0, bytes: 0 });

/**
 * A node's chain written from a lazy chain: it reads the lazy chain's rules (made once, for every
 * node) until a command on the node gives it rules of its own.
 */
class SharedRulesChain implements Chain {
  policyCounters = NO_POLICY_COUNTERS;
  #own?: Rule[];
  readonly #source: LazyChain;

  constructor(
    public name: string,
    source: LazyChain,
  ) {
    this.#source = source;
  }

  get rules(): Rule[] {
    return this.#own ?? this.#source.rules;
  }

  set rules(rules: Rule[]) {
    this.#own = rules;
  }
}

/**
 * Applies a sync's writes as `iptables-restore --noflush` would apply its text: per table, declared
 * chains are flushed and refilled, every jump must reach an existing chain, stale chains are
 * deleted, and the table is committed whole or not at all (an earlier table stays committed).
 * Failures are worded with the line the text form would have (see restoreText). Checks first,
 * then changes the table in place: copying a 111,000-chain table per sync was the cost.
 *
 * `trusted`: the tables hold what the same builder's earlier syncs wrote, all applied, and nothing
 * else jumps to its service chains or changed them (no user command on the node). Chains marked
 * `unchecked: 'trusted'` then skip the per-rule check, and only declared chains can still reference
 * a deleted one; the outcome is the same, found without reading every rule.
 */
export function applyWrites(netfilter: Netfilter, sync: SyncOutput, trusted = false): RestoreResult {
  let firstLine = 1;
  for (const write of sync.writes) {
    const table = netfilter[write.table];
    // The declared names, collected only when some rule or deletion is checked (111,000 chains in a full sync).
    let declaredNames: Set<string> | undefined;
    const declared = () => (declaredNames ??= new Set([...write.chains.map((chain) => chain.name), ...write.deleted]));
    const hasChain = (name: string) => declared().has(name) || table.chains.has(name);
    // Checked before anything changes: a failing block leaves the table as it was.
    let line = firstLine + 1 + write.chains.length + write.deleted.length;
    for (const chain of write.chains) {
      if (chain.unchecked === 'always' || (trusted && chain.unchecked === 'trusted')) {
        line += ruleCount(chain);
        continue;
      }
      const target = table.chains.get(chain.name) ?? { name: chain.name, policyCounters: { packets: 0, bytes: 0 }, rules: [] };
      for (const rule of chain.rules) {
        const problem = validateRule(table, target, rule, hasChain);
        if (problem) return { ok: false, ...restoreFailure(problem, line) };
        line++;
      }
    }
    const rulesEnd = line;
    // On a trusted table whose services all jump only to their own current chains, nothing reaches a stale one.
    if (write.deleted.length > 0 && !(trusted && sync.onlyOwnJumps)) {
      const deleted = new Set(write.deleted);
      const referenced = new Set<string>();
      const note = (rules: readonly Rule[]) => {
        for (const rule of rules) if (rule.target?.kind === 'jump' && deleted.has(rule.target.chain)) referenced.add(rule.target.chain);
      };
      // A chain checked 'always' jumps only to chains declared with it, never to one being deleted.
      for (const chain of write.chains) if (chain.unchecked !== 'always') note(chain.rules);
      if (!trusted) for (const [name, chain] of table.chains) if (!declared().has(name)) note(chain.rules);
      for (const name of write.deleted) {
        if (referenced.has(name)) {
          return { ok: false, ...restoreFailure({ kind: 'kernel', text: `CHAIN_DEL failed (Device or resource busy): chain ${name}` }, line) };
        }
        line++;
      }
    }
    for (const chain of write.chains) {
      // Rules and their lists are shared with the builder (and other nodes): tables replace a list, never change it.
      table.chains.set(chain.name, chain instanceof LazyChain ? new SharedRulesChain(chain.name, chain) : { name: chain.name, policyCounters: NO_POLICY_COUNTERS, rules: chain.rules });
    }
    for (const name of write.deleted) table.chains.delete(name);
    table.exists = true;
    // The block's -X lines, then COMMIT.
    firstLine = rulesEnd + write.deleted.length + 1;
  }
  return { ok: true };
}

/** kube-proxy's iptables-restore input for a sync, in iptables-save's argument order (large: for tests and figures). */
export function restoreText(sync: SyncOutput): string {
  const lines: string[] = [];
  for (const write of sync.writes) {
    lines.push(`*${write.table}`);
    for (const chain of write.chains) lines.push(`:${chain.name} - [0:0]`);
    for (const name of write.deleted) lines.push(`:${name} - [0:0]`);
    for (const chain of write.chains) for (const rule of chain.rules) lines.push(`-A ${chain.name}${saveRuleSpec(rule)}`);
    for (const name of write.deleted) lines.push(`-X ${name}`);
    lines.push('COMMIT');
  }
  return lines.join('\n') + '\n';
}
