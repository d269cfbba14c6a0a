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
  metadata: { name: string; namespace: string; labels: Record<string, string> },
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
  const podSpec = isObject(template.spec) ? template.spec : {};
  const containers = readContainers(podSpec.containers, `${path}.spec.template.spec.containers`, issues);
  if (issues.length > before || !containers) return;

  const deployment: DeploymentInput = {
    namespace: metadata.namespace,
    name: metadata.name,
    labels: metadata.labels,
    ...(spec.replicas !== undefined ? { replicas: spec.replicas as number } : {}),
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
