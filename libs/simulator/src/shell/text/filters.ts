import { failure, printed, type Invocation, type Printed } from '../types';

/** Text filters of coreutils/grep/gawk that the shell runs in every context, on stdin. */

function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

const joinLines = (list: string[]) => list.map((l) => l + '\n').join('');

/** Options in getopt style: "-vi", "-n 5", "-n5", "--", then operands. */
function getopt(argv: string[], withValue: string, known: string): { flags: Map<string, string>; operands: string[]; bad?: string } {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d+$/.test(arg)) {
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j];
      if (withValue.includes(flag)) {
        const value = arg.length > j + 1 ? arg.slice(j + 1) : argv[++i];
        if (value === undefined) return { flags, operands, bad: `option requires an argument -- '${flag}'` };
        flags.set(flag, value);
        break;
      }
      if (!known.includes(flag)) return { flags, operands, bad: `invalid option -- '${flag}'` };
      flags.set(flag, '');
    }
  }
  return { flags, operands };
}

/** GNU grep's basic regular expressions, turned into JavaScript's (which are extended ones). */
export function basicToExtended(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i];
      out += '|(){}+?'.includes(n) ? n : `\\${n}`;
    } else out += '|(){}+?'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

export function grep(call: Invocation): Printed {
  const { flags, operands, bad } = getopt(call.argv.slice(1), 'e', 'viEcnwFqoh');
  if (bad) return failure(`grep: ${bad}\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`, 2);
  const pattern = flags.get('e') ?? operands.shift();
  if (pattern === undefined) return failure("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
  if (operands.length > 0) return failure(`grep: ${operands[0]}: No such file or directory\n`, 2);
  let source = flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.has('E') ? pattern : basicToExtended(pattern);
  if (flags.has('w')) source = `(?<![\\w])(?:${source})(?![\\w])`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags.has('i') ? 'i' : '');
  } catch {
    return failure('grep: Unmatched ( or \\(\n', 2);
  }
  const invert = flags.has('v');
  const matched = lines(call.stdin)
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => regex.test(line) !== invert);
  const status = matched.length > 0 ? 0 : 1;
  if (flags.has('q')) return printed('', '', status);
  if (flags.has('c')) return printed(`${matched.length}\n`, '', status);
  if (flags.has('o') && !invert) {
    const global = new RegExp(regex.source, regex.flags + 'g');
    return printed(joinLines(matched.flatMap(({ line }) => line.match(global) ?? [])), '', status);
  }
  return printed(joinLines(matched.map(({ line, index }) => (flags.has('n') ? `${index + 1}:${line}` : line))), '', status);
}

export function wc(call: Invocation): Printed {
  const { flags, operands, bad } = getopt(call.argv.slice(1), '', 'lwcm');
  if (bad) return failure(`wc: ${bad}\nTry 'wc --help' for more information.\n`, 1);
  if (operands.length > 0) return failure(`wc: ${operands[0]}: No such file or directory\n`, 1);
  const text = call.stdin;
  const counts = {
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(text),
    m: [...text].length,
  };
  const chosen = (['l', 'w', 'm', 'c'] as const).filter((f) => flags.has(f));
  if (chosen.length === 1) return printed(`${counts[chosen[0]]}\n`);
  const shown = chosen.length ? chosen : (['l', 'w', 'c'] as const);
  return printed(shown.map((f) => String(counts[f]).padStart(7)).join(' ') + '\n');
}

function countOption(call: Invocation, name: 'head' | 'tail'): { count: number; fromStart: boolean } | Printed {
  const args = call.argv.slice(1);
  let count = 10;
  let fromStart = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let value: string | undefined;
    if (/^-\d+$/.test(arg)) value = arg.slice(1);
    else if (arg === '-n') value = args[++i];
    else if (arg.startsWith('-n')) value = arg.slice(2);
    else if (arg.startsWith('--lines=')) value = arg.slice(8);
    else if (arg.startsWith('-')) return failure(`${name}: invalid option -- '${arg.slice(1, 2)}'\nTry '${name} --help' for more information.\n`, 1);
    else return failure(`${name}: cannot open '${arg}' for reading: No such file or directory\n`, 1);
    if (value === undefined) return failure(`${name}: option requires an argument -- 'n'\nTry '${name} --help' for more information.\n`, 1);
    if (value.startsWith('+')) fromStart = true;
    const n = Number(value.replace(/^[+-]/, ''));
    if (!Number.isInteger(n)) return failure(`${name}: invalid number of lines: ‘${value}’\n`, 1);
    count = value.startsWith('-') && name === 'head' ? -n : n;
  }
  return { count, fromStart };
}

export function head(call: Invocation): Printed {
  const option = countOption(call, 'head');
  if ('kind' in option) return option;
  const all = lines(call.stdin);
  return printed(joinLines(option.count >= 0 ? all.slice(0, option.count) : all.slice(0, Math.max(0, all.length + option.count))));
}

export function tail(call: Invocation): Printed {
  const option = countOption(call, 'tail');
  if ('kind' in option) return option;
  const all = lines(call.stdin);
  if (option.fromStart) return printed(joinLines(all.slice(Math.max(0, option.count - 1))));
  return printed(joinLines(option.count === 0 ? [] : all.slice(-option.count)));
}

/** awk limited to `[-F sep] '[/regex/] {print $N, $M, …}'` (and `{print}`, `{print NF}`, `NR`). */
export function awk(call: Invocation): Printed {
  const args = call.argv.slice(1);
  let separator: string | undefined;
  let program: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-F') separator = args[++i];
    else if (arg.startsWith('-F')) separator = arg.slice(2);
    else if (program === undefined) program = arg;
    else return failure(`awk: cannot open "${arg}" (No such file or directory)\n`, 2);
  }
  if (program === undefined) return failure('usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n', 2);
  const parsed = /^\s*(?:\/((?:[^/\\]|\\.)*)\/\s*)?\{\s*print(?:\s+(.*?))?\s*;?\s*\}\s*$/.exec(program);
  if (!parsed) return failure(`awk: the lab's awk only runs '{print $N, ...}' programs: ${program}\n`, 2);
  const filter = parsed[1] === undefined ? null : new RegExp(parsed[1]);
  const expressions = parsed[2] === undefined ? [['$0']] : splitPrintList(parsed[2]);
  const out: string[] = [];
  lines(call.stdin).forEach((line, index) => {
    if (filter && !filter.test(line)) return;
    const fields = separator === undefined || separator === ' ' ? line.trim().split(/[ \t]+/).filter(Boolean) : line.split(separator.length === 1 ? separator : new RegExp(separator));
    const value = (expr: string): string => {
      const field = /^\$(\d+|NF)$/.exec(expr);
      if (field) {
        const n = field[1] === 'NF' ? fields.length : Number(field[1]);
        return n === 0 ? line : (fields[n - 1] ?? '');
      }
      if (expr === 'NF') return String(fields.length);
      if (expr === 'NR') return String(index + 1);
      const literal = /^"(.*)"$/.exec(expr);
      if (literal) return literal[1];
      return '';
    };
    out.push(expressions.map((group) => group.map(value).join('')).join(' '));
  });
  return printed(joinLines(out));
}

/** `$1, $2 "x"` → [["$1"], ["$2", "\"x\""]]: commas separate with a space, juxtaposition concatenates. */
function splitPrintList(list: string): string[][] {
  return list.split(',').map((part) => part.trim().match(/"[^"]*"|\$\w+|\w+/g) ?? []);
}

export function sort(call: Invocation): Printed {
  const { flags, bad, operands } = getopt(call.argv.slice(1), 'kt', 'rnu');
  if (bad) return failure(`sort: ${bad}\nTry 'sort --help' for more information.\n`, 2);
  if (operands.length > 0) return failure(`sort: cannot read: ${operands[0]}: No such file or directory\n`, 2);
  const separator = flags.get('t');
  const keyField = flags.has('k') ? Number.parseInt(flags.get('k')!, 10) : 0;
  const key = (line: string) => {
    if (!keyField) return line;
    const fields = separator ? line.split(separator) : line.trim().split(/\s+/);
    return fields.slice(keyField - 1).join(separator ?? ' ');
  };
  const numeric = flags.has('n');
  let all = lines(call.stdin).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (numeric) {
      const d = (Number.parseFloat(ka) || 0) - (Number.parseFloat(kb) || 0);
      if (d !== 0) return d;
    }
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  if (flags.has('r')) all = all.reverse();
  if (flags.has('u')) all = all.filter((line, i) => i === 0 || key(line) !== key(all[i - 1]));
  return printed(joinLines(all));
}

export function uniq(call: Invocation): Printed {
  const { flags } = getopt(call.argv.slice(1), '', 'c');
  const groups: { line: string; count: number }[] = [];
  for (const line of lines(call.stdin)) {
    const last = groups[groups.length - 1];
    if (last && last.line === line) last.count++;
    else groups.push({ line, count: 1 });
  }
  return printed(joinLines(groups.map((g) => (flags.has('c') ? `${String(g.count).padStart(7)} ${g.line}` : g.line))));
}

/** `cut -d X -f LIST` and `cut -c LIST`; LIST as in coreutils: 1,3 or 2-4 or 3-. */
export function cut(call: Invocation): Printed {
  const { flags, bad } = getopt(call.argv.slice(1), 'dfc', '');
  if (bad) return failure(`cut: ${bad}\nTry 'cut --help' for more information.\n`, 1);
  const list = flags.get('f') ?? flags.get('c');
  if (list === undefined) return failure("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n", 1);
  const delimiter = flags.get('d') ?? '\t';
  if (delimiter.length !== 1) return failure('cut: the delimiter must be a single character\nTry \'cut --help\' for more information.\n', 1);
  const wanted = (n: number) =>
    list.split(',').some((range) => {
      const [from, to] = range.includes('-') ? range.split('-') : [range, range];
      return n >= (from === '' ? 1 : Number(from)) && n <= (to === '' ? Infinity : Number(to));
    });
  const byChars = flags.has('c');
  return printed(
    joinLines(
      lines(call.stdin).map((line) => {
        if (byChars) return [...line].filter((_, i) => wanted(i + 1)).join('');
        if (!line.includes(delimiter)) return line;
        return line
          .split(delimiter)
          .filter((_, i) => wanted(i + 1))
          .join(delimiter);
      }),
    ),
  );
}

export function echo(call: Invocation): Printed {
  const args = call.argv.slice(1);
  const noNewline = args[0] === '-n';
  const text = (noNewline ? args.slice(1) : args).join(' ');
  return printed(noNewline ? text : `${text}\n`);
}
