import type { LabState } from '../cluster/types';
import type { DeploymentInput } from '../model/commands';
import { decide } from '../model/decide';
import { SimulatorError } from '../model/errors';
import type { ManifestIssue, ManifestObject } from './parse-manifests';
import { readContainers, type ApplyPlan } from './to-commands';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: unknown): value is Record<string, string> => isObject(value) && Object.values(value).every((v) => typeof v === 'string');

/**
 * An apps/v1 Deployment document: read, then decided against the lab so that the API server's
 * refusals are 422s at the document's path; created, configured or unchanged as kubectl says.
 */
export function planDeployment(
  state: LabState,
  manifest: ManifestObject,
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> },
  plan: ApplyPlan,
  issues: ManifestIssue[],
): void {
  const path = `documents[${manifest.index}]`;
  const before = issues.length;
  const spec = isObject(manifest.object.spec) ? manifest.object.spec : {};
  const selector = isObject(spec.selector) ? spec.selector.matchLabels : undefined;
  if (!isStringMap(selector)) issues.push({ path: `${path}.spec.selector.matchLabels`, message: 'Required value: a map of strings' });
  if (spec.replicas !== undefined && (typeof spec.replicas !== 'number' || !Number.isInteger(spec.replicas))) {
    issues.push({ path: `${path}.spec.replicas`, message: 'Invalid value: must be an integer' });
  }
  const template = isObject(spec.template) ? spec.template : {};
  const templateMetadata = isObject(template.metadata) ? template.metadata : {};
  for (const field of ['labels', 'annotations'] as const) {
    if (templateMetadata[field] !== undefined && !isStringMap(templateMetadata[field])) {
      issues.push({ path: `${path}.spec.template.metadata.${field}`, message: 'Invalid value: must be a map of strings' });
    }
  }
  const strategy = readStrategy(spec.strategy, `${path}.spec.strategy`, issues);
  const podSpec = isObject(template.spec) ? template.spec : {};
  const containers = readContainers(podSpec.containers, `${path}.spec.template.spec.containers`, issues);
  if (issues.length > before || !containers) return;

  const deployment: DeploymentInput = {
    namespace: metadata.namespace,
    name: metadata.name,
    labels: metadata.labels,
    ...(spec.replicas !== undefined ? { replicas: spec.replicas as number } : {}),
    ...(metadata.annotations && Object.keys(metadata.annotations).length ? { annotations: metadata.annotations } : {}),
    ...(strategy ? { strategy } : {}),
    selector: selector as Record<string, string>,
    template: { labels: (templateMetadata.labels as Record<string, string>) ?? {}, annotations: (templateMetadata.annotations as Record<string, string>) ?? {}, containers },
  };
  let events;
  try {
    // A namespace created by the same apply does not exist yet: the Deployment is decided when applied.
    events = state.namespaces.has(metadata.namespace) ? decide(state, { type: 'applyDeployment', deployment }, { time: state.time, actor: 'plan' }) : [{}];
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    const prefix = `Deployment.apps "${metadata.name}" is invalid: ${error.path}: `;
    issues.push({ path: `${path}.${error.path ?? 'spec'}`, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message });
    return;
  }
  const existing = state.deployments.has(`${metadata.namespace}/${metadata.name}`);
  const action = events.length === 0 ? 'unchanged' : existing ? 'configured' : 'created';
  if (action !== 'unchanged') plan.commands.push({ type: 'applyDeployment', deployment });
  plan.outcomes.push({ index: manifest.index, kind: 'Deployment', resource: 'deployment.apps', namespace: metadata.namespace, name: metadata.name, action });
}

/** spec.strategy: `type` and, for RollingUpdate, rollingUpdate.maxSurge/maxUnavailable (counts or percentages). */
function readStrategy(value: unknown, path: string, issues: ManifestIssue[]): DeploymentInput['strategy'] {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    issues.push({ path, message: 'Invalid value: must be an object' });
    return undefined;
  }
  const type = value.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate' && type !== 'Recreate') {
    issues.push({ path: `${path}.type`, message: `Unsupported value: "${String(type)}": supported values: "Recreate", "RollingUpdate"` });
    return undefined;
  }
  const rolling = value.rollingUpdate;
  if (rolling !== undefined && !isObject(rolling)) {
    issues.push({ path: `${path}.rollingUpdate`, message: 'Invalid value: must be an object' });
    return undefined;
  }
  const budget: { maxSurge?: number | string; maxUnavailable?: number | string } = {};
  for (const field of ['maxSurge', 'maxUnavailable'] as const) {
    const v = rolling?.[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'string') issues.push({ path: `${path}.rollingUpdate.${field}`, message: 'Invalid value: must be an integer or a percentage' });
    else budget[field] = v;
  }
  return { type, ...budget };
}
