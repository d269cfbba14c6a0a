import { isMap, isNode, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema, type Scenario } from './schema';

export interface ScenarioIssue {
  /** The field, e.g. "checks[0].expect.trace.port" ("" for the document itself). */
  path: string;
  message: string;
  /** 1-based position in the scenario file (absent for documents that were not YAML text). */
  line?: number;
  column?: number;
}

/** A scenario that cannot be read, or whose steps the lab refuses: every issue names its field and line. */
export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line === undefined ? '' : `line ${issue.line}, column ${issue.column}: `;
  return `${where}${issue.path || '(document)'}: ${issue.message}`;
}

type PathKey = string | number;

/** Finds where a field was written; undefined for documents given as objects. */
export type Locate = (path: readonly PathKey[]) => { line: number; column: number } | undefined;

export interface ParsedScenario {
  scenario: Scenario;
  locate: Locate;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/** Reads a scenario file (one YAML document) and validates it. Throws ScenarioError. */
export function parseScenario(text: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = list.flatMap((doc) => doc.errors).map((error): ScenarioIssue => ({ path: '', message: error.message, ...position(error.pos[0]) }));
  if (syntax.length) throw new ScenarioError(syntax);
  if (list.length !== 1) throw new ScenarioError([{ path: '', message: `a scenario file holds one YAML document, not ${list.length}`, ...position(list[1]?.range[0] ?? 0) }]);
  const doc = list[0];
  const locate: Locate = (path) => {
    const node = nearestNode(doc, path);
    return node?.range ? position(node.range[0]) : undefined;
  };
  const locateKey = (path: readonly PathKey[], key: string) => {
    const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
    return isScalar(pair?.key) && pair.key.range ? position(pair.key.range[0]) : undefined;
  };
  return { scenario: validate(doc.toJS({ maxAliasCount: 100 }), locate, locateKey), locate };
}

/** Validates a scenario given as an object (an inline document in a JSON body). Throws ScenarioError. */
export function validateScenario(value: unknown): ParsedScenario {
  const locate: Locate = () => undefined;
  return { scenario: validate(value, locate), locate };
}

type LocateKey = (path: readonly PathKey[], key: string) => ReturnType<Locate>;

function validate(value: unknown, locate: Locate, locateKey: LocateKey = () => undefined): Scenario {
  const result = scenarioSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => issuesOf(issue, locate, locateKey));
  throw new ScenarioError(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
}

function issuesOf(issue: z.core.$ZodIssue, locate: Locate, locateKey: LocateKey): ScenarioIssue[] {
  const path = issue.path.filter((key): key is PathKey => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'unknown field', ...(locateKey(path, key) ?? locate(path)) }));
  }
  return [{ path: formatPath(path), message: issue.message, ...locate(path) }];
}

/** The node at `path`, or the deepest ancestor that exists (a missing field is reported at its parent). */
function nearestNode(doc: Document, path: readonly PathKey[]): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node)) return node;
  }
  return isNode(doc.contents) ? doc.contents : undefined;
}
