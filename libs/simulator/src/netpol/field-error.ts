/** k8s.io/apimachinery/pkg/util/validation/field errors, rendered as the API server renders them. */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden';

const typeText: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
};

export interface FieldError {
  /** Kubernetes field path, e.g. "spec.ingress[0].from[0]". */
  path: string;
  /** The StatusCause reason. */
  type: FieldErrorType;
  /** The StatusCause message (ErrorBody): "Required value: must specify a peer". */
  body: string;
  /** The whole error as the API server prints it: "<path>: <body>". */
  message: string;
}

/** A Go value as field.Error prints it: strings quoted, numbers plain, already-rendered Go syntax kept. */
export type BadValue = string | number | { goSyntax: string };

function renderValue(value: BadValue): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value.goSyntax;
}

function make(path: string, type: FieldErrorType, value: BadValue | undefined, detail: string): FieldError {
  let body = typeText[type];
  if (value !== undefined) body += `: ${renderValue(value)}`;
  if (detail) body += `: ${detail}`;
  return { path, type, body, message: `${path}: ${body}` };
}

export const required = (path: string, detail = ''): FieldError => make(path, 'FieldValueRequired', undefined, detail);
export const forbidden = (path: string, detail: string): FieldError => make(path, 'FieldValueForbidden', undefined, detail);
export const invalid = (path: string, value: BadValue, detail: string): FieldError =>
  make(path, 'FieldValueInvalid', value, detail);
export const notSupported = (path: string, value: BadValue, supported: string[]): FieldError =>
  make(path, 'FieldValueNotSupported', value, `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`);

/** The Status message of the 422: `NetworkPolicy.networking.k8s.io "x" is invalid: <errors>`. */
export function invalidObjectMessage(name: string, errors: readonly FieldError[]): string {
  const list = errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`;
  return `NetworkPolicy.networking.k8s.io ${JSON.stringify(name)} is invalid: ${list}`;
}
