/**
 * The part of bash's grammar the lab shell understands: words with '…', "…" and \ quoting,
 * pipelines (`|`), lists (`;`, `&&`, `||`, newlines), here-documents (`<<EOF`, `<<'EOF'`, `<<-EOF`),
 * `2>&1` and `>/dev/null`-style redirections, `#` comments, `$(…)` command substitution and
 * `$NAME` / `${NAME}` / `$?` variables (no other expansions: no globs, no arithmetic).
 */

export interface Redirect {
  fd: 1 | 2;
  /** A file name, or "&1" / "&2" for a duplication. */
  target: string;
}

/**
 * A piece of a word: literal text, a `$(…)` command substitution or a `$NAME` / `${NAME}` / `$?`
 * variable (quoted: inside "…", so not split into words).
 */
export type WordPart = { literal: string } | { command: string; quoted: boolean } | { variable: string; quoted: boolean };

const variableName = /^(\?|[A-Za-z_][A-Za-z0-9_]*|\{(\?|[A-Za-z_][A-Za-z0-9_]*)\})/;

export interface SimpleCommand {
  /** The words; one with a substitution holds its text with the substitution as written. */
  argv: string[];
  /** argv index → the parts of a word that has command substitutions, expanded when the command runs. */
  expansions?: Record<number, WordPart[]>;
  /** Text of a here-document fed to the command's stdin. */
  heredoc?: string;
  redirects: Redirect[];
}

export type Connector = ';' | '&&' | '||';

export interface ListItem {
  pipeline: SimpleCommand[];
  /** How the next item runs after this one; the last item's is ';'. */
  next: Connector;
}

/** bash's own message for what it cannot parse (exit status 2). */
export class ShellSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

type Token =
  | { kind: 'word'; text: string; parts?: WordPart[] }
  | { kind: 'op'; text: '|' | '||' | '&&' | ';' | '&' | '\n' }
  | { kind: 'heredoc'; delimiter: string; stripTabs: boolean; body: string }
  | { kind: 'redirect'; fd: 1 | 2; target: string };

const operatorStart = new Set(['|', '&', ';', '\n', '<', '>']);

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const pendingHeredocs: Extract<Token, { kind: 'heredoc' }>[] = [];
  let i = 0;

  /** `$(…)` from i (at the `$`): the command inside, i moved past the closing parenthesis. */
  const readSubstitution = (): string => {
    const start = i + 2;
    let depth = 1;
    let j = start;
    while (j < line.length && depth > 0) {
      const c = line[j];
      if (c === "'" || c === '"') {
        const end = line.indexOf(c, j + 1);
        if (end < 0) break;
        j = end + 1;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') depth--;
      j++;
    }
    if (depth > 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `)'");
    i = j;
    return line.slice(start, j - 1);
  };

  let parts: WordPart[] | null = null;
  let literal = '';
  const flushLiteral = () => {
    if (parts && literal) parts.push({ literal });
    literal = '';
  };
  const substitute = (quoted: boolean, textSoFar: string): string => {
    if (!parts) {
      parts = [];
      literal = textSoFar;
    }
    flushLiteral();
    const raw = i;
    if (line[i + 1] === '(') parts.push({ command: readSubstitution(), quoted });
    else {
      const name = variableName.exec(line.slice(i + 1))!;
      parts.push({ variable: name[2] ?? name[1], quoted });
      i += 1 + name[0].length;
    }
    return line.slice(raw, i);
  };
  const expands = (at: number) => line[at] === '$' && (line[at + 1] === '(' || variableName.test(line.slice(at + 1)));

  const readWord = (): string | null => {
    let text = '';
    let any = false;
    parts = null;
    literal = '';
    const add = (chars: string) => {
      text += chars;
      if (parts) literal += chars;
    };
    while (i < line.length) {
      const c = line[i];
      if (c === ' ' || c === '\t' || operatorStart.has(c)) break;
      any = true;
      if (expands(i)) {
        text += substitute(false, text);
      } else if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
        add(line.slice(i + 1, end));
        i = end + 1;
      } else if (c === '"') {
        i++;
        for (;;) {
          if (i >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
          const d = line[i];
          if (d === '"') break;
          if (expands(i)) {
            text += substitute(true, text);
          } else if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
            if (line[i + 1] !== '\n') add(line[i + 1]);
            i += 2;
          } else {
            add(d);
            i++;
          }
        }
        i++;
      } else if (c === '\\') {
        if (i + 1 < line.length && line[i + 1] !== '\n') add(line[i + 1]);
        i += 2;
      } else {
        add(c);
        i++;
      }
    }
    flushLiteral();
    return any ? text : null;
  };

  /** The parts of the word readWord just read, when it had a substitution. */
  const wordParts = (): WordPart[] | undefined => parts ?? undefined;

  const readHeredocBodies = () => {
    for (const heredoc of pendingHeredocs) {
      const lines: string[] = [];
      for (;;) {
        if (i >= line.length) {
          // bash warns and takes what it has as the body.
          break;
        }
        const end = line.indexOf('\n', i);
        const raw = end < 0 ? line.slice(i) : line.slice(i, end);
        i = end < 0 ? line.length : end + 1;
        const text = heredoc.stripTabs ? raw.replace(/^\t+/, '') : raw;
        if (text === heredoc.delimiter) break;
        lines.push(text + '\n');
      }
      heredoc.body = lines.join('');
    }
    pendingHeredocs.length = 0;
  };

  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;|&]/.test(line[i - 1]))) {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'op', text: '\n' });
      i++;
      readHeredocBodies();
      continue;
    }
    const two = line.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if (c === '|' || c === ';' || c === '&') {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    if (two === '<<') {
      i += 2;
      const stripTabs = line[i] === '-';
      if (stripTabs) i++;
      while (line[i] === ' ' || line[i] === '\t') i++;
      const delimiter = readWord();
      if (delimiter === null) throw new ShellSyntaxError(syntaxNear(line, i));
      const heredoc = { kind: 'heredoc' as const, delimiter, stripTabs, body: '' };
      tokens.push(heredoc);
      pendingHeredocs.push(heredoc);
      continue;
    }
    const redirect = /^(2>&1|1>&2|>&2|2>|1>|>>|>)/.exec(line.slice(i));
    if (redirect) {
      i += redirect[0].length;
      const op = redirect[0];
      if (op.includes('&')) {
        tokens.push({ kind: 'redirect', fd: op.startsWith('2') ? 2 : 1, target: op.endsWith('1') ? '&1' : '&2' });
        continue;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      const target = readWord();
      if (target === null) throw new ShellSyntaxError(syntaxNear(line, i));
      tokens.push({ kind: 'redirect', fd: op.startsWith('2') ? 2 : 1, target });
      continue;
    }
    if (c === '<' || c === '>') throw new ShellSyntaxError(syntaxNear(line, i));
    const word = readWord();
    const wordPartsRead = wordParts();
    if (word !== null) tokens.push(wordPartsRead ? { kind: 'word', text: word, parts: wordPartsRead } : { kind: 'word', text: word });
  }
  readHeredocBodies();
  return tokens;
}

function syntaxNear(line: string, at: number): string {
  const rest = line.slice(at).trimStart();
  const token = rest === '' ? 'newline' : (/^(\|\||&&|[|;&<>]|\S+)/.exec(rest)?.[0] ?? 'newline');
  return `syntax error near unexpected token \`${token}'`;
}

/** Parses one line (possibly several lines with here-document bodies) into a list of pipelines. */
export function parseLine(line: string): ListItem[] {
  const tokens = tokenize(line);
  const items: ListItem[] = [];
  let pipeline: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [], redirects: [] };

  const unexpected = (text: string) => new ShellSyntaxError(`syntax error near unexpected token \`${text === '\n' ? 'newline' : text}'`);
  const isEmpty = (cmd: SimpleCommand) => cmd.argv.length === 0 && cmd.heredoc === undefined && cmd.redirects.length === 0;

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.kind === 'word') {
      if (token.parts) current.expansions = { ...current.expansions, [current.argv.length]: token.parts };
      current.argv.push(token.text);
    }
    else if (token.kind === 'heredoc') current.heredoc = token.body;
    else if (token.kind === 'redirect') current.redirects.push({ fd: token.fd, target: token.target });
    else if (token.text === '|') {
      if (isEmpty(current)) throw unexpected('|');
      pipeline.push(current);
      current = { argv: [], redirects: [] };
    } else {
      if (token.text === '&') throw new ShellSyntaxError('background jobs (&) are not supported in the lab shell');
      if (isEmpty(current)) {
        if (pipeline.length > 0 || token.text !== '\n') throw unexpected(token.text);
        continue;
      }
      pipeline.push(current);
      items.push({ pipeline, next: token.text === '\n' ? ';' : token.text });
      pipeline = [];
      current = { argv: [], redirects: [] };
    }
  }
  if (!isEmpty(current)) pipeline.push(current);
  else if (pipeline.length > 0 || (items.length > 0 && items[items.length - 1].next !== ';')) throw unexpected('\n');
  if (pipeline.length > 0) items.push({ pipeline, next: ';' });
  return items;
}
