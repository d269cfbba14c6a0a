import type { LabState } from '../cluster/types';
import { SimulatorError } from '../model/errors';
import { Prng } from '../net/prng';
import { applyService } from '../services/decide-services';
import { validateService, type ServiceInput, type ServicePortInput } from '../services/validate';
import type { ManifestIssue, ManifestObject } from './parse-manifests';
import type { ApplyPlan } from './to-commands';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function readPorts(value: unknown, at: string, issues: ManifestIssue[]): ServicePortInput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.push({ path: `${at}`, message: 'Invalid value: must be a list' });
    return [];
  }
  return value.map((raw, i) => {
    const port = isObject(raw) ? raw : {};
    const read: ServicePortInput = { port: port.port as number };
    if (port.name !== undefined) read.name = String(port.name);
    if (port.protocol !== undefined) read.protocol = port.protocol as ServicePortInput['protocol'];
    if (port.targetPort !== undefined) read.targetPort = port.targetPort as number | string;
    if (port.nodePort !== undefined) read.nodePort = port.nodePort as number;
    if (!isObject(raw)) issues.push({ path: `${at}[${i}]`, message: 'Invalid value: must be an object' });
    return read;
  });
}

/**
 * A v1 Service document: read, validated as the API server validates it (every error at the
 * document's path), then tried against the lab so that allocation errors (pinned address or port
 * in use, outside the range) are 422s too; created, configured or unchanged as kubectl says.
 */
export function planService(
  state: LabState,
  manifest: ManifestObject,
  metadata: { name: string; namespace: string; labels: Record<string, string> },
  plan: ApplyPlan,
  issues: ManifestIssue[],
): void {
  const path = `documents[${manifest.index}]`;
  const spec = isObject(manifest.object.spec) ? manifest.object.spec : {};
  const before = issues.length;
  const input: ServiceInput = { namespace: metadata.namespace, name: metadata.name, labels: metadata.labels };
  if (spec.type !== undefined) input.type = spec.type as ServiceInput['type'];
  if (spec.clusterIP !== undefined) input.clusterIP = String(spec.clusterIP);
  if (spec.selector !== undefined) {
    if (!isObject(spec.selector) || Object.values(spec.selector).some((v) => typeof v !== 'string')) {
      issues.push({ path: `${path}.spec.selector`, message: 'Invalid value: must be a map of strings' });
    } else input.selector = spec.selector as Record<string, string>;
  }
  const ports = readPorts(spec.ports, `${path}.spec.ports`, issues);
  if (ports) input.ports = ports;
  for (const field of ['sessionAffinity', 'externalTrafficPolicy', 'internalTrafficPolicy'] as const) {
    if (spec[field] !== undefined) (input as unknown as Json)[field] = spec[field];
  }
  for (const issue of validateService(input)) issues.push({ path: `${path}.${issue.path}`, message: issue.message });
  if (issues.length > before) return;

  let events;
  try {
    events = applyService(state, input, new Prng(`plan#${state.version}`));
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    const prefix = `Service "${metadata.name}" is invalid: ${error.path}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    issues.push({ path: `${path}.${error.path ?? 'spec'}`, message });
    return;
  }
  const existing = state.services.has(`${metadata.namespace}/${metadata.name}`);
  const action = events.length === 0 ? 'unchanged' : existing ? 'configured' : 'created';
  if (action !== 'unchanged') plan.commands.push({ type: 'applyService', service: input });
  plan.outcomes.push({ index: manifest.index, kind: 'Service', resource: 'service', namespace: metadata.namespace, name: metadata.name, action });
}
