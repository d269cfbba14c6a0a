import { ParseError, restoreFailure } from './errors';
import type { IptablesFailure, IptablesProblem } from './errors';
import { executeCommand } from './exec-command';
import { parseIptablesArgs } from './parse-command';
import type { IptablesCommand } from './parse-command';
import { createTable, isBuiltin, newUserChain } from './tables';
import { TABLE_NAMES } from './types';
import type { Chain, Netfilter, Table, TableName } from './types';

export interface RestoreOptions {
  /** --noflush: keep what is in the tables; only declared user chains are flushed. */
  noflush: boolean;
}

export type RestoreResult = { ok: true } | ({ ok: false } & IptablesFailure);

/**
 * Splits a restore line into words as iptables-restore does: on blanks, with double quotes grouping
 * words and backslash escaping inside them (single quotes are not special).
 */
export function splitRestoreLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) word += line[++i];
      else if (c === '"') quoted = false;
      else word += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * One table's block, applied to a copy-on-write view of the table and committed at COMMIT, so a
 * failing block leaves the table as it was (iptables-nft commits one table per COMMIT).
 */
class StagedTable {
  readonly view: Table;
  private readonly owned = new Set<string>();

  constructor(private readonly table: Table, flush: boolean) {
    const chains = flush ? createTable(table.name).chains : new Map(table.chains);
    if (flush) {
      for (const [name, chain] of chains) chain.policy = table.chains.get(name)!.policy;
      for (const name of chains.keys()) this.owned.add(name);
    }
    this.view = { name: table.name, exists: true, chains };
  }

  own(name: string): Chain | undefined {
    const chain = this.view.chains.get(name);
    if (!chain || this.owned.has(name)) return chain;
    const copy: Chain = { ...chain, rules: chain.rules.slice() };
    this.view.chains.set(name, copy);
    this.owned.add(name);
    return copy;
  }

  declare(name: string, policy: string): IptablesProblem | undefined {
    if (policy === '-') {
      this.view.chains.set(name, newUserChain(name));
      this.owned.add(name);
      return undefined;
    }
    const chain = this.own(name);
    if (!chain || !isBuiltin(chain)) return { kind: 'other', message: `Chain '${name}' does not exist` };
    if (policy !== 'ACCEPT' && policy !== 'DROP') return { kind: 'resource', text: "Bad policy name. Run `dmesg' for more information." };
    chain.policy = policy;
    return undefined;
  }

  run(command: IptablesCommand): IptablesProblem | undefined {
    if ('chain' in command && command.chain !== undefined) this.own(command.chain);
    else if (command.op === 'flush' || command.op === 'zero') for (const name of [...this.view.chains.keys()]) this.own(name);
    const outcome = executeCommand({ [this.table.name]: this.view } as Netfilter, command);
    return outcome.ok ? undefined : outcome.problem;
  }

  commit(): void {
    this.table.chains = this.view.chains;
    this.table.exists = true;
  }
}

/** `iptables-restore [--noflush]` of text into the model. Tables committed before a failure stay changed. */
export function iptablesRestore(netfilter: Netfilter, text: string, options: RestoreOptions): RestoreResult {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let staged: StagedTable | undefined;
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index].trim();
    const failed = (problem: IptablesProblem): RestoreResult => ({ ok: false, ...restoreFailure(problem, lineNumber) });
    if (line === '' || line.startsWith('#')) continue;
    if (!staged) {
      if (!line.startsWith('*')) return failed({ kind: 'resource', text: '' });
      const name = line.slice(1);
      if (!(TABLE_NAMES as readonly string[]).includes(name)) {
        return failed({ kind: 'usage', message: `iptables-restore: line ${lineNumber} table name '${name}' invalid` });
      }
      staged = new StagedTable(netfilter[name as TableName], !options.noflush);
      continue;
    }
    if (line === 'COMMIT') {
      staged.commit();
      staged = undefined;
      continue;
    }
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      const problem = staged.declare(name, policy ?? '-');
      if (problem) return failed(problem);
      continue;
    }
    let command: IptablesCommand;
    try {
      command = parseIptablesArgs(splitRestoreLine(line), staged.view.name);
    } catch (error) {
      if (error instanceof ParseError) return failed(error.problem);
      throw error;
    }
    const problem = staged.run(command);
    if (problem) return failed(problem);
  }
  if (staged) return { ok: false, stderr: `iptables-restore: COMMIT expected at line ${lines.length + 1}\n`, exitCode: 1 };
  return { ok: true };
}
