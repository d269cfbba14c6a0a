/**
 * kubectl's -o jsonpath templates, the part lessons use: `{.status.podIP}`, `{.items[*].metadata.name}`,
 * `{.items[0].spec.nodeName}`, `{range .items[*]}{.metadata.name}{"\t"}{.status.podIP}{"\n"}{end}`,
 * with text between expressions kept. Several results of one expression are joined by a space.
 */
export function jsonpath(template: string, document: unknown): string {
  const tokens = tokenizeTemplate(template);
  return render(tokens, 0, tokens.length, document);
}

type Token = { kind: 'text'; text: string } | { kind: 'expr'; expr: string };

function tokenizeTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) tokens.push({ kind: 'text', text: template.slice(i, open) });
    const close = template.indexOf('}', open);
    if (close < 0) throw new Error(`unclosed action`);
    tokens.push({ kind: 'expr', expr: template.slice(open + 1, close).trim() });
    i = close + 1;
  }
  return tokens;
}

function render(tokens: Token[], from: number, to: number, data: unknown): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const token = tokens[i];
    if (token.kind === 'text') {
      out += token.text;
      continue;
    }
    const literal = /^"(.*)"$/.exec(token.expr);
    if (literal) {
      out += literal[1].replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      continue;
    }
    if (token.expr.startsWith('range ')) {
      const end = matchingEnd(tokens, i);
      for (const item of evaluate(token.expr.slice(6).trim(), data)) out += render(tokens, i + 1, end, item);
      i = end;
      continue;
    }
    if (token.expr === 'end') throw new Error('not in range, nothing to end');
    out += evaluate(token.expr, data)
      .map((value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)))
      .join(' ');
  }
  return out;
}

function matchingEnd(tokens: Token[], start: number): number {
  let depth = 0;
  for (let i = start + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'expr') continue;
    if (token.expr.startsWith('range ')) depth++;
    else if (token.expr === 'end') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error('range without end');
}

/** `.a.b[0].c`, `.items[*].x`, `@`, `$`: every value the path reaches (missing fields reach nothing). */
export function evaluate(path: string, data: unknown): unknown[] {
  let values: unknown[] = [data];
  const steps = path.replace(/^[$@]/, '').match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of values) {
      if (value === null || typeof value !== 'object') continue;
      if (step.startsWith('.')) {
        const field = (value as Record<string, unknown>)[step.slice(1)];
        if (field !== undefined) next.push(field);
      } else if (step === '[*]') {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      } else if (Array.isArray(value)) {
        const index = Number(step.slice(1, -1));
        const item = value[index < 0 ? value.length + index : index];
        if (item !== undefined) next.push(item);
      }
    }
    values = next;
  }
  return values;
}
