import { SimulatorError } from '../model/errors';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' own wording (apimachinery validation.IsDNS1123Label / IsDNS1123Subdomain). */
export function dns1123LabelError(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  return undefined;
}

export function dns1123SubdomainError(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return undefined;
}

/** Throws `invalid` in the API server's format: `Pod "A_b" is invalid: metadata.name: Invalid value: "A_b": ...`. */
export function requireName(kind: string, value: unknown, rule: 'label' | 'subdomain', path = 'name'): string {
  const text = typeof value === 'string' ? value : '';
  const problem = text === '' ? 'name or generateName is required' : rule === 'label' ? dns1123LabelError(text) : dns1123SubdomainError(text);
  if (problem) {
    throw new SimulatorError('invalid', `${kind} "${text}" is invalid: metadata.name: Invalid value: "${text}": ${problem}`, path);
  }
  return text;
}

/** apimachinery's rand.String alphabet: no vowels, no confusable digits. Used for generated pod name suffixes. */
export const KUBE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** minikube's machine names: the profile for node 1, then `<profile>-m02`, `-m03`, ... */
export function minikubeNodeName(index: number, profile = 'minikube'): string {
  return index === 1 ? profile : `${profile}-m${String(index).padStart(2, '0')}`;
}
