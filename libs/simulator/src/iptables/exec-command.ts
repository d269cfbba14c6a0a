import { cliFailure, NO_SUCH_CHAIN, ParseError } from './errors';
import type { IptablesProblem } from './errors';
import { parseIptablesArgs } from './parse-command';
import type { IptablesCommand } from './parse-command';
import { saveRuleSpec } from './render-rule';
import { renderList, renderListRules } from './render-table';
import { chainsInOrder, isBuiltin, newUserChain, referenceCounts } from './tables';
import type { Chain, Netfilter, Rule, Table } from './types';

export interface IptablesResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Outcome of one command: text on success, or the problem to word for the program that ran it. */
export type CommandOutcome = { ok: true; stdout: string } | { ok: false; problem: IptablesProblem };

const ok = (stdout = ''): CommandOutcome => ({ ok: true, stdout });
const fail = (problem: IptablesProblem): CommandOutcome => ({ ok: false, problem });
const resource = (text: string): CommandOutcome => fail({ kind: 'resource', text });
const busy = (chain: string): CommandOutcome => fail({ kind: 'kernel', text: `CHAIN_DEL failed (Device or resource busy): chain ${chain}` });

/** iptables-nft's odd wording for listing a chain that does not exist (exit status 1). */
const incompatibleChain = (table: Table, chain: string): CommandOutcome =>
  fail({ kind: 'other', message: `chain \`${chain}' in table \`${table.name}' is incompatible, use 'nft' tool.` });

/** Hooks where the kernel accepts a match on the input / output interface. */
const NO_IN_INTERFACE = new Set(['OUTPUT', 'POSTROUTING']);
const NO_OUT_INTERFACE = new Set(['INPUT', 'PREROUTING']);
const NAT_ONLY_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE']);

/**
 * Checks a rule against the table before it is added: interface matches on built-in chains, jump
 * targets that must exist, targets valid only in the nat table. Returns the failure or undefined.
 */
export function validateRule(table: Table, chain: Chain, rule: Rule, hasChain: (name: string) => boolean): IptablesProblem | undefined {
  if (isBuiltin(chain)) {
    if (rule.inInterface && NO_IN_INTERFACE.has(chain.name)) return { kind: 'usage', message: `Can't use -i with ${chain.name}\n` };
    if (rule.outInterface && NO_OUT_INTERFACE.has(chain.name)) return { kind: 'usage', message: `Can't use -o with ${chain.name}\n` };
  }
  const target = rule.target;
  if (target?.kind === 'jump' && !hasChain(target.chain)) {
    return { kind: 'usage', message: `Chain '${target.chain}' does not exist` };
  }
  if (target && NAT_ONLY_TARGETS.has(target.kind) && table.name !== 'nat') {
    return { kind: 'kernel', text: `RULE_APPEND failed (Invalid argument): rule in chain ${chain.name}` };
  }
  return undefined;
}

/** Runs `iptables <args>` against the model, mutating it in place. */
export function runIptables(netfilter: Netfilter, args: readonly string[]): IptablesResult {
  let command: IptablesCommand;
  try {
    command = parseIptablesArgs(args);
  } catch (error) {
    if (error instanceof ParseError) return { stdout: '', ...cliFailure(error.problem) };
    throw error;
  }
  const outcome = executeCommand(netfilter, command);
  return outcome.ok ? { stdout: outcome.stdout, stderr: '', exitCode: 0 } : { stdout: '', ...cliFailure(outcome.problem) };
}

export function executeCommand(netfilter: Netfilter, command: IptablesCommand): CommandOutcome {
  const table = netfilter[command.table];
  switch (command.op) {
    case 'list': {
      const text = renderList(table, command.options, command.chain);
      return text === undefined ? incompatibleChain(table, command.chain!) : ok(text);
    }
    case 'list-rules': {
      const text = renderListRules(table, command.chain);
      return text === undefined ? incompatibleChain(table, command.chain!) : ok(text);
    }
    case 'new-chain':
      if (table.chains.has(command.chain)) return resource('Chain already exists.');
      table.chains.set(command.chain, newUserChain(command.chain));
      table.exists = true;
      return ok();
    case 'policy': {
      const chain = table.chains.get(command.chain);
      if (!chain || !isBuiltin(chain)) return resource('Bad built-in chain name.');
      if (command.policy !== 'ACCEPT' && command.policy !== 'DROP') return resource("Bad policy name. Run `dmesg' for more information.");
      chain.policy = command.policy;
      table.exists = true;
      return ok();
    }
    case 'flush':
      return forChains(table, command.chain, (chain) => {
        chain.rules = [];
      });
    case 'zero':
      return forChains(table, command.chain, (chain) => {
        chain.policyCounters = { packets: 0, bytes: 0 };
        for (const rule of chain.rules) rule.counters = { packets: 0, bytes: 0 };
      });
    case 'delete-chain':
      return deleteChains(table, command.chain);
    case 'append':
    case 'insert':
    case 'delete':
      return changeRules(table, command);
  }
}

function forChains(table: Table, name: string | undefined, action: (chain: Chain) => void): CommandOutcome {
  if (name === undefined) {
    for (const chain of table.chains.values()) action(chain);
    return ok();
  }
  const chain = table.chains.get(name);
  if (!chain) return resource(NO_SUCH_CHAIN);
  action(chain);
  return ok();
}

/**
 * iptables-nft -X: one chain must be empty and unreferenced; without a name every user chain goes at
 * once (their rules with them), unless a built-in chain still jumps to one: then nothing changes.
 */
function deleteChains(table: Table, name: string | undefined): CommandOutcome {
  if (name !== undefined) {
    const chain = table.chains.get(name);
    if (!chain) return resource(NO_SUCH_CHAIN);
    if (isBuiltin(chain) || chain.rules.length > 0 || (referenceCounts(table).get(name) ?? 0) > 0) {
      return busy(name);
    }
    table.chains.delete(name);
    return ok();
  }
  const referencedFromBuiltins = new Set<string>();
  for (const chain of table.chains.values()) {
    if (!isBuiltin(chain)) continue;
    for (const rule of chain.rules) if (rule.target?.kind === 'jump') referencedFromBuiltins.add(rule.target.chain);
  }
  const inUse = chainsInOrder(table).find((chain) => referencedFromBuiltins.has(chain.name));
  if (inUse) return busy(inUse.name);
  for (const chain of [...table.chains.values()]) if (!isBuiltin(chain)) table.chains.delete(chain.name);
  return ok();
}

/**
 * A chain's rule list is replaced, never changed in place: kube-proxy's tables share their lists
 * with the rules it built (one list per service chain for every node).
 */
function changeRules(table: Table, command: Extract<IptablesCommand, { op: 'append' | 'insert' | 'delete' }>): CommandOutcome {
  const chain = table.chains.get(command.chain);
  if (!chain) return resource(NO_SUCH_CHAIN);
  if (command.op === 'delete') {
    if (command.position !== undefined) {
      if (command.position < 1 || command.position > chain.rules.length) return resource('Index of deletion too big.');
      chain.rules = chain.rules.toSpliced(command.position - 1, 1);
      return ok();
    }
    const spec = saveRuleSpec(command.rule!);
    const index = chain.rules.findIndex((rule) => saveRuleSpec(rule) === spec);
    if (index < 0) return resource('Bad rule (does a matching rule exist in that chain?).');
    chain.rules = chain.rules.toSpliced(index, 1);
    return ok();
  }
  const failure = validateRule(table, chain, command.rule, (name) => table.chains.has(name));
  if (failure) return fail(failure);
  if (command.op === 'append') chain.rules = [...chain.rules, command.rule];
  else {
    if (command.position < 1 || command.position > chain.rules.length + 1) return resource('Index of insertion too big.');
    chain.rules = chain.rules.toSpliced(command.position - 1, 0, command.rule);
  }
  table.exists = true;
  return ok();
}
