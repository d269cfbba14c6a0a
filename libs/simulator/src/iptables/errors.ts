/** What iptables prints on failure, and its exit status (1: rule/chain problem, 2: bad usage, 4: kernel refused). */
export interface IptablesFailure {
  stderr: string;
  exitCode: number;
}

export const VERSION_PREFIX = 'v1.8.9 (nf_tables)';

/**
 * A failure before the program is known: iptables and iptables-restore word the same problem differently.
 * usage: bad command line; bad-argument: a stray word; resource: libiptc-style "No chain..." text;
 * other: a fatal error with exit status 1;
 * kernel: the nf_tables batch was refused.
 */
export type IptablesProblem =
  | { kind: 'usage'; message: string }
  | { kind: 'bad-argument'; argument: string }
  | { kind: 'resource'; text: string }
  | { kind: 'other'; message: string }
  | { kind: 'kernel'; text: string };

export class ParseError extends Error {
  constructor(readonly problem: IptablesProblem) {
    super(problem.kind === 'usage' ? problem.message : JSON.stringify(problem));
  }
}

export function usage(message: string): never {
  throw new ParseError({ kind: 'usage', message });
}

export function badArgument(argument: string): never {
  throw new ParseError({ kind: 'bad-argument', argument });
}

export const NO_SUCH_CHAIN = 'No chain/target/match by that name.';

/** `iptables` wording. */
export function cliFailure(problem: IptablesProblem): IptablesFailure {
  const trailer = "Try `iptables -h' or 'iptables --help' for more information.\n";
  switch (problem.kind) {
    case 'bad-argument': return { stderr: `Bad argument \`${problem.argument}'\n${trailer}`, exitCode: 2 };
    case 'usage': return { stderr: `iptables ${VERSION_PREFIX}: ${problem.message}\n${trailer}`, exitCode: 2 };
    case 'resource': return { stderr: `iptables: ${problem.text}\n`, exitCode: 1 };
    case 'other': return { stderr: `iptables ${VERSION_PREFIX}: ${problem.message}\n`, exitCode: 1 };
    case 'kernel': return { stderr: `iptables ${VERSION_PREFIX}:  ${problem.text}\n`, exitCode: 4 };
  }
}

/** `iptables-restore` wording, for a problem on the given input line. */
export function restoreFailure(problem: IptablesProblem, line: number): IptablesFailure {
  const trailer = `Error occurred at line: ${line}\nTry \`iptables-restore -h' or 'iptables-restore --help' for more information.\n`;
  switch (problem.kind) {
    case 'bad-argument': return { stderr: `Bad argument \`${problem.argument}'\n${trailer}`, exitCode: 2 };
    case 'usage': return { stderr: `iptables-restore ${VERSION_PREFIX}: ${problem.message}\n${trailer}`, exitCode: 2 };
    case 'resource': return { stderr: `iptables-restore: line ${line} failed${problem.text ? `: ${problem.text}` : ''}\n`, exitCode: 1 };
    case 'other': return { stderr: `iptables-restore ${VERSION_PREFIX}: ${problem.message}\n`, exitCode: 1 };
    case 'kernel': return { stderr: `iptables-restore ${VERSION_PREFIX}: \nline ${line}: ${problem.text}\n`, exitCode: 4 };
  }
}
