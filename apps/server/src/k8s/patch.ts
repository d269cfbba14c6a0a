import { badRequestStatus } from './status';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386 JSON merge patch (`application/merge-patch+json`, e.g. `kubectl label`). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Json = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * The merge keys of the lists kubectl patches strategically (the Go types' patchMergeKey tags);
 * every other list is replaced whole, e.g. NetworkPolicy ingress/egress.
 */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  tolerations: 'key',
  hostAliases: 'ip',
};

/** The merge key of a list field, or undefined when the list is atomic. Container and Service ports differ. */
function mergeKeyOf(field: string, parent: Json): string | undefined {
  if (field === 'ports') {
    const items = (parent.ports as unknown[] | undefined) ?? [];
    return items.some((p) => isObject(p) && 'containerPort' in p) ? 'containerPort' : 'port';
  }
  return mergeKeys[field];
}

/** Kubernetes strategic merge patch, for the bodies kubectl sends (apply, rollout restart). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Json = isObject(target) ? clone(target) : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set(value as unknown[]);
      if (Array.isArray(result[field])) result[field] = (result[field] as unknown[]).filter((v) => !remove.has(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = Array.isArray(value) ? mergeKeyOf(key, { ...result, [key]: [...((result[key] as unknown[]) ?? []), ...value] }) : undefined;
    if (Array.isArray(value) && mergeKey && Array.isArray(result[key])) {
      result[key] = mergeList(result[key] as unknown[], value, mergeKey);
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = clone(value);
    }
  }
  if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.has(key) && !(key in patch)) delete result[key];
  return result;
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const result = current.map(clone);
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(clone(item));
      continue;
    }
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMergePatch(result[index], item);
    else result.push(strategicMergePatch({}, item));
  }
  return result;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const pointer = (path: string) => (path === '' ? [] : path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')));

/** RFC 6902 JSON patch (`kubectl patch --type=json`). */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequestStatus('json patch must be a list of operations');
  let doc = clone(target);
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isObject(raw) || typeof raw.path !== 'string') throw badRequestStatus('invalid JSON patch operation');
    switch (raw.op) {
      case 'add':
      case 'replace':
        doc = put(doc, pointer(raw.path), clone(raw.value), raw.op);
        break;
      case 'remove':
        doc = put(doc, pointer(raw.path), undefined, 'remove');
        break;
      case 'copy':
      case 'move': {
        const value = read(doc, pointer(raw.from ?? ''));
        if (raw.op === 'move') doc = put(doc, pointer(raw.from ?? ''), undefined, 'remove');
        doc = put(doc, pointer(raw.path), clone(value), 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(read(doc, pointer(raw.path))) !== JSON.stringify(raw.value)) throw new JsonPatchTestFailed(raw.path);
        break;
      default:
        throw badRequestStatus(`Unexpected kind: ${String((raw as { op: unknown }).op)}`);
    }
  }
  return doc;
}

class JsonPatchTestFailed extends Error {}

function read(doc: unknown, parts: string[]): unknown {
  let current = doc;
  for (const part of parts) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else throw badRequestStatus(`doc is missing path: /${parts.join('/')}`);
  }
  if (current === undefined) throw badRequestStatus(`doc is missing path: /${parts.join('/')}`);
  return current;
}

function put(doc: unknown, parts: string[], value: unknown, op: 'add' | 'replace' | 'remove'): unknown {
  if (parts.length === 0) return value;
  const parent = read(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw badRequestStatus(`invalid array index: ${last}`);
    if (op === 'add') parent.splice(index, 0, value);
    else if (op === 'replace') parent[index] = value;
    else parent.splice(index, 1);
  } else if (isObject(parent)) {
    if (op !== 'add' && !(last in parent)) throw badRequestStatus(`doc is missing key: /${parts.join('/')}: missing value`);
    if (op === 'remove') delete parent[last];
    else parent[last] = value;
  } else throw badRequestStatus(`doc is missing path: /${parts.join('/')}`);
  return doc;
}

export function isJsonPatchTestFailure(error: unknown): boolean {
  return error instanceof JsonPatchTestFailed;
}
