import type { LabState } from '../cluster/types';
import type { Command, ContainerInput } from '../model/commands';
import { podKey } from '../model/state';
import { planNetworkPolicy } from './network-policy-plan';
import { ManifestError, type ManifestIssue, type ManifestObject } from './parse-manifests';
import { planService } from './service-plan';
import { planDeployment } from './deployment-plan';

/** What `kubectl apply` reports per object: "pod/app created", "namespace/x unchanged". */
export interface ApplyOutcome {
  index: number;
  kind: string;
  /** kubectl's resource word, e.g. "pod", "namespace". */
  resource: string;
  namespace?: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
  /** Said to the user next to the outcome, e.g. that the lab's CNI plugin ignores NetworkPolicy. */
  warning?: string;
}

export interface ApplyPlan {
  commands: Command[];
  outcomes: ApplyOutcome[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns applied manifests into commands against `state`, as `kubectl apply` would: new objects
 * are created, identical ones unchanged; a change the lab cannot make is a 422 naming the field.
 * All objects are checked before any command is returned, so one bad document applies nothing.
 */
export function planApply(state: LabState, objects: ManifestObject[], defaultNamespace = 'default'): ApplyPlan {
  const issues: ManifestIssue[] = [];
  const plan: ApplyPlan = { commands: [], outcomes: [] };
  const pendingNamespaces = new Set<string>();
  for (const manifest of objects) {
    const path = `documents[${manifest.index}]`;
    const before = issues.length;
    const metadata = isObject(manifest.object.metadata) ? manifest.object.metadata : undefined;
    if (!metadata) issues.push({ path: `${path}.metadata`, message: 'Required value' });
    const name = metadata?.name;
    if (typeof name !== 'string' || name === '') issues.push({ path: `${path}.metadata.name`, message: 'Required value: name or generateName is required' });
    if (issues.length > before) continue;
    const labels = stringMap(metadata!.labels, `${path}.metadata.labels`, issues);
    const kind = `${manifest.apiVersion}/${manifest.kind}`;
    if (kind === 'v1/Namespace') {
      planNamespace(state, manifest, name as string, labels, plan, issues);
      pendingNamespaces.add(name as string);
    } else if (kind === 'v1/Pod') {
      const namespace = typeof metadata!.namespace === 'string' && metadata!.namespace ? metadata!.namespace : defaultNamespace;
      if (!state.namespaces.has(namespace) && !pendingNamespaces.has(namespace)) {
        issues.push({ path: `${path}.metadata.namespace`, message: `Not found: namespaces "${namespace}" not found` });
        continue;
      }
      planPod(state, manifest, namespace, name as string, labels, stringMap(metadata!.annotations, `${path}.metadata.annotations`, issues), plan, issues);
    } else if (kind === 'v1/Service') {
      const namespace = typeof metadata!.namespace === 'string' && metadata!.namespace ? metadata!.namespace : defaultNamespace;
      if (!state.namespaces.has(namespace) && !pendingNamespaces.has(namespace)) {
        issues.push({ path: `${path}.metadata.namespace`, message: `Not found: namespaces "${namespace}" not found` });
        continue;
      }
      planService(state, manifest, { name: name as string, namespace, labels }, plan, issues);
    } else if (kind === 'networking.k8s.io/v1/NetworkPolicy') {
      const namespace = typeof metadata!.namespace === 'string' && metadata!.namespace ? metadata!.namespace : defaultNamespace;
      if (!state.namespaces.has(namespace) && !pendingNamespaces.has(namespace)) {
        issues.push({ path: `${path}.metadata.namespace`, message: `Not found: namespaces "${namespace}" not found` });
        continue;
      }
      planNetworkPolicy(state, manifest, { name: name as string, namespace, labels, annotations: stringMap(metadata!.annotations, `${path}.metadata.annotations`, issues) }, plan, issues);
    } else if (kind === 'apps/v1/Deployment') {
      const namespace = typeof metadata!.namespace === 'string' && metadata!.namespace ? metadata!.namespace : defaultNamespace;
      if (!state.namespaces.has(namespace) && !pendingNamespaces.has(namespace)) {
        issues.push({ path: `${path}.metadata.namespace`, message: `Not found: namespaces "${namespace}" not found` });
        continue;
      }
      planDeployment(state, manifest, { name: name as string, namespace, labels, annotations: stringMap(metadata!.annotations, `${path}.metadata.annotations`, issues) }, plan, issues);
    } else {
      issues.push({
        path: `${path}.kind`,
        message: `Unsupported value: "${manifest.kind}" (${manifest.apiVersion}): supported kinds are v1 Namespace, v1 Pod, v1 Service, apps/v1 Deployment and networking.k8s.io/v1 NetworkPolicy`,
      });
    }
  }
  if (issues.length) throw new ManifestError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues, 422);
  return plan;
}

function planNamespace(state: LabState, manifest: ManifestObject, name: string, labels: Record<string, string>, plan: ApplyPlan, issues: ManifestIssue[]): void {
  const existing = state.namespaces.get(name);
  const outcome = { index: manifest.index, kind: 'Namespace', resource: 'namespace', name };
  if (!existing) {
    plan.commands.push({ type: 'createNamespace', name, labels });
    plan.outcomes.push({ ...outcome, action: 'created' });
  } else if (sameMap(withoutDefaultLabel(existing.labels, name), withoutDefaultLabel(labels, name))) {
    plan.outcomes.push({ ...outcome, action: 'unchanged' });
  } else {
    issues.push({ path: `documents[${manifest.index}].metadata.labels`, message: 'Forbidden: changing the labels of an existing namespace is not supported yet' });
  }
}

function planPod(
  state: LabState,
  manifest: ManifestObject,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  plan: ApplyPlan,
  issues: ManifestIssue[],
): void {
  const path = `documents[${manifest.index}]`;
  const spec = isObject(manifest.object.spec) ? manifest.object.spec : undefined;
  if (!spec) {
    issues.push({ path: `${path}.spec`, message: 'Required value' });
    return;
  }
  const containers = readContainers(spec.containers, `${path}.spec.containers`, issues);
  if (spec.nodeName !== undefined && typeof spec.nodeName !== 'string') issues.push({ path: `${path}.spec.nodeName`, message: 'Invalid value: must be a string' });
  if (spec.hostNetwork !== undefined && typeof spec.hostNetwork !== 'boolean') issues.push({ path: `${path}.spec.hostNetwork`, message: 'Invalid value: must be a boolean' });
  if (!containers) return;
  const outcome = { index: manifest.index, kind: 'Pod', resource: 'pod', namespace, name };
  const existing = state.pods.get(podKey(namespace, name));
  if (!existing) {
    plan.commands.push({
      type: 'createPod',
      namespace,
      name,
      labels,
      annotations,
      containers,
      ...(typeof spec.nodeName === 'string' ? { nodeName: spec.nodeName } : {}),
      ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
    });
    plan.outcomes.push({ ...outcome, action: 'created' });
    return;
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== existing.node) {
    issues.push({ path: `${path}.spec.nodeName`, message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
  }
  const sameContainers = JSON.stringify(containers.map(normaliseContainer)) === JSON.stringify(existing.containers.map(normaliseContainer));
  if (!sameContainers) issues.push({ path: `${path}.spec.containers`, message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`' });
  if (!sameMap(labels, existing.labels) || !sameMap(annotations, existing.annotations)) {
    issues.push({ path: `${path}.metadata`, message: 'Forbidden: changing the labels or annotations of an existing pod is not supported yet' });
  }
  plan.outcomes.push({ ...outcome, action: 'unchanged' });
}

export function readContainers(value: unknown, path: string, issues: ManifestIssue[]): ContainerInput[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path, message: 'Required value' });
    return undefined;
  }
  const before = issues.length;
  const containers = value.map((raw, i): ContainerInput => {
    const at = `${path}[${i}]`;
    if (!isObject(raw)) {
      issues.push({ path: at, message: 'Invalid value: must be an object' });
      return { name: '', image: '' };
    }
    if (typeof raw.name !== 'string' || !raw.name) issues.push({ path: `${at}.name`, message: 'Required value' });
    if (typeof raw.image !== 'string' || !raw.image) issues.push({ path: `${at}.image`, message: 'Required value' });
    const container: ContainerInput = { name: String(raw.name ?? ''), image: String(raw.image ?? '') };
    if (raw.ports !== undefined) container.ports = readPorts(raw.ports, `${at}.ports`, issues);
    for (const field of ['command', 'args'] as const) {
      const list = raw[field];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) issues.push({ path: `${at}.${field}`, message: 'Invalid value: must be a list of strings' });
      else container[field] = list as string[];
    }
    if (raw.env !== undefined) container.env = readEnv(raw.env, `${at}.env`, issues);
    return container;
  });
  return issues.length > before ? undefined : containers;
}

function readPorts(value: unknown, path: string, issues: ManifestIssue[]): NonNullable<ContainerInput['ports']> {
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'Invalid value: must be a list' });
    return [];
  }
  return value.map((raw, i) => {
    const at = `${path}[${i}]`;
    const port = isObject(raw) ? raw : {};
    const containerPort = port.containerPort;
    if (typeof containerPort !== 'number' || !Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) {
      issues.push({ path: `${at}.containerPort`, message: `Invalid value: ${JSON.stringify(containerPort ?? null)}: must be between 1 and 65535, inclusive` });
    }
    const protocol = port.protocol ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
      issues.push({ path: `${at}.protocol`, message: `Unsupported value: ${JSON.stringify(protocol)}: supported values: "SCTP", "TCP", "UDP"` });
    }
    return {
      ...(typeof port.name === 'string' ? { name: port.name } : {}),
      containerPort: containerPort as number,
      protocol: protocol as 'TCP' | 'UDP' | 'SCTP',
    };
  });
}

function readEnv(value: unknown, path: string, issues: ManifestIssue[]): { name: string; value: string }[] {
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'Invalid value: must be a list' });
    return [];
  }
  return value.map((raw, i) => {
    const entry = isObject(raw) ? raw : {};
    if (typeof entry.name !== 'string' || !entry.name) issues.push({ path: `${path}[${i}].name`, message: 'Required value' });
    return { name: String(entry.name ?? ''), value: entry.value === undefined ? '' : String(entry.value) };
  });
}

function stringMap(value: unknown, path: string, issues: ManifestIssue[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    issues.push({ path, message: 'Invalid value: must be a map of strings' });
    return {};
  }
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') issues.push({ path: `${path}.${key}`, message: 'Invalid value: must be a string' });
    else result[key] = item;
  }
  return result;
}

function normaliseContainer(container: ContainerInput) {
  return {
    name: container.name,
    image: container.image,
    ports: (container.ports ?? []).map((p) => ({ name: p.name ?? '', containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    command: container.command ?? [],
    args: container.args ?? [],
    env: container.env ?? [],
  };
}

const withoutDefaultLabel = (labels: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(labels).filter(([key, value]) => !(key === 'kubernetes.io/metadata.name' && value === name)));

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
