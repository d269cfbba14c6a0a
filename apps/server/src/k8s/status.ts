/** metav1.Status, the body of every error the Kubernetes API answers (kubectl prints its message). */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

/** An error to answer as a Status. */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: KubeStatus['details'],
  ) {
    super(message);
    this.name = 'KubeStatusError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export interface ResourceRef {
  group: string;
  /** The plural resource name, e.g. "pods"; kubectl's messages use it. */
  resource: string;
  kind: string;
}

const qualified = (ref: ResourceRef) => (ref.group ? `${ref.resource}.${ref.group}` : ref.resource);

export const notFoundStatus = (ref: ResourceRef, name: string) =>
  new KubeStatusError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, { name, group: ref.group, kind: ref.resource });

export const alreadyExists = (ref: ResourceRef, name: string) =>
  new KubeStatusError(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, { name, group: ref.group, kind: ref.resource });

export const conflictStatus = (ref: ResourceRef, name: string, why: string) =>
  new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, { name, group: ref.group, kind: ref.resource });

/** 422 as the API server words it: `<Kind> "<name>" is invalid: <field>: <message>, ...`. */
export function invalid(ref: ResourceRef, name: string, causes: { field: string; message: string; reason?: string }[]): KubeStatusError {
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message = `${ref.kind} "${name}" is invalid: ${summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`}`;
  return new KubeStatusError(422, 'Invalid', message, {
    name,
    group: ref.group,
    kind: ref.kind,
    causes: causes.map((c) => ({ reason: c.reason ?? reasonOf(c.message), message: c.message, field: c.field })),
  });
}

/** The cause reason is the message's leading type word ("Forbidden: ..." → FieldValueForbidden). */
function reasonOf(message: string): string {
  const word = /^(Required value|Forbidden|Invalid value|Unsupported value|Duplicate value|Not found|Too long|Too many)/.exec(message)?.[1];
  const reasons: Record<string, string> = {
    'Required value': 'FieldValueRequired',
    Forbidden: 'FieldValueForbidden',
    'Invalid value': 'FieldValueInvalid',
    'Unsupported value': 'FieldValueNotSupported',
    'Duplicate value': 'FieldValueDuplicate',
    'Not found': 'FieldValueNotFound',
    'Too long': 'FieldValueTooLong',
    'Too many': 'FieldValueTooMany',
  };
  return word ? reasons[word] : 'FieldValueInvalid';
}

export const badRequestStatus = (message: string) => new KubeStatusError(400, 'BadRequest', message);
export const unauthorizedStatus = () => new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
export const forbiddenStatus = (user: string, verb: string, ref: ResourceRef, namespace?: string) =>
  new KubeStatusError(
    403,
    'Forbidden',
    `${qualified(ref)} is forbidden: User "${user}" cannot ${verb} resource "${ref.resource}" in API group "${ref.group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
    { group: ref.group, kind: ref.resource },
  );
export const methodNotAllowed = () => new KubeStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
export const unsupportedMediaType = (type: string) => new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`);
export const pathNotFound = () => new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource');
