import { parseAllDocuments } from 'yaml';

export interface ManifestIssue {
  /** e.g. "documents[1].spec.containers[0].image" */
  path: string;
  message: string;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly issues: ManifestIssue[],
    /** 400: the text is not YAML/JSON at all; 422: readable, but not an object Kubernetes would accept. */
    readonly status: 400 | 422,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

export interface ManifestObject {
  /** Position among the documents (a List's items count one by one). */
  index: number;
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

export interface ManifestLimits {
  maxDocuments: number;
  maxAliasCount: number;
}

const defaultLimits: ManifestLimits = { maxDocuments: 500, maxAliasCount: 100 };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads `kubectl apply` input: multi-document YAML, one JSON object, or a `List` (in either syntax). */
export function parseManifests(text: string, limits: ManifestLimits = defaultLimits): ManifestObject[] {
  return manifestObjects(readDocuments(text, limits), limits);
}

/** The objects of documents already read (e.g. a JSON body the HTTP layer parsed): a `List` counts item by item. */
export function manifestObjects(documents: unknown[], limits: ManifestLimits = defaultLimits): ManifestObject[] {
  const objects: Record<string, unknown>[] = [];
  for (const document of documents) {
    if (document === null || document === undefined) continue;
    if (isObject(document) && document.kind === 'List' && Array.isArray(document.items)) objects.push(...(document.items as Record<string, unknown>[]));
    else objects.push(document as Record<string, unknown>);
  }
  if (objects.length === 0) throw new ManifestError('no objects passed to apply', [{ path: 'documents', message: 'no objects passed to apply' }], 422);
  if (objects.length > limits.maxDocuments) {
    throw new ManifestError(`too many objects: ${objects.length} (at most ${limits.maxDocuments})`, [{ path: 'documents', message: 'too many objects' }], 422);
  }
  const issues: ManifestIssue[] = [];
  const parsed = objects.map((object, index) => {
    const path = `documents[${index}]`;
    if (!isObject(object)) {
      issues.push({ path, message: 'must be an object' });
      return undefined;
    }
    if (typeof object.apiVersion !== 'string' || !object.apiVersion) issues.push({ path: `${path}.apiVersion`, message: 'Required value' });
    if (typeof object.kind !== 'string' || !object.kind) issues.push({ path: `${path}.kind`, message: 'Required value' });
    return { index, apiVersion: String(object.apiVersion), kind: String(object.kind), object };
  });
  if (issues.length) throw new ManifestError(describe(issues), issues, 422);
  return parsed as ManifestObject[];
}

function readDocuments(text: string, limits: ManifestLimits): unknown[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const issues: ManifestIssue[] = [];
  const values = list.map((document, index) => {
    for (const error of document.errors) {
      const line = error.linePos?.[0];
      issues.push({ path: `documents[${index}]`, message: line ? `line ${line.line} column ${line.col}: ${firstLine(error.message)}` : firstLine(error.message) });
    }
    if (document.errors.length) return undefined;
    try {
      return document.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      issues.push({ path: `documents[${index}]`, message: (error as Error).message });
      return undefined;
    }
  });
  if (issues.length) throw new ManifestError(`the manifest is not valid YAML or JSON: ${describe(issues)}`, issues, 400);
  return values;
}

const firstLine = (message: string) => message.split('\n')[0];
const describe = (issues: ManifestIssue[]) => issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
