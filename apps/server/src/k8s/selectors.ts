import { badRequestStatus } from './status';

export type Matcher = (value: string | undefined, has: boolean) => boolean;
interface Requirement {
  key: string;
  matches: Matcher;
}

/** Splits on commas outside parentheses (`a in (x,y),b`). */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseTerm(term: string, allowSetOps: boolean): Requirement {
  let m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    return { key, matches: op === '!=' ? (v) => v !== value : (v, has) => has && v === value };
  }
  if (allowSetOps) {
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = new Set(m[3].split(',').map((v) => v.trim()).filter(Boolean));
      return m[2] === 'in' ? { key: m[1], matches: (v, has) => has && values.has(v!) } : { key: m[1], matches: (v, has) => !has || !values.has(v!) };
    }
    m = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(term);
    if (m) return { key: m[2], matches: m[1] ? (_v, has) => !has : (_v, has) => has };
  }
  throw badRequestStatus(`unable to parse requirement: ${JSON.stringify(term)}`);
}

/** `labelSelector`: equality and set-based requirements, all of which must hold. */
export function labelSelector(text: string | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!text) return () => true;
  const requirements = terms(text).map((t) => parseTerm(t, true));
  return (labels = {}) => requirements.every((r) => r.matches(labels[r.key], Object.hasOwn(labels, r.key)));
}

function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? undefined : String(current);
}

/** `fieldSelector`: `=`, `==` and `!=` on dotted fields (metadata.name, spec.nodeName, involvedObject.uid...). */
export function fieldSelector(text: string | undefined): (object: unknown) => boolean {
  if (!text) return () => true;
  const requirements = terms(text).map((t) => parseTerm(t, false));
  return (object) =>
    requirements.every((r) => {
      const value = fieldValue(object, r.key) ?? '';
      return r.matches(value, true);
    });
}
