import { isDeepStrictEqual } from 'node:util';
import type { Container, DeploymentState, LabState, PodState } from '../cluster/types';
import { KUBE_NAME_ALPHABET, requireName } from '../cluster/names';
import type { Prng } from '../net/prng';
import { selects } from '../services/selector';
import type { Command, ContainerInput, DecidedEvent, DeploymentInput } from './commands';
import { SimulatorError } from './errors';
import { evolve } from './evolve';
import { deploymentKey, fromSnapshot, podKey, toSnapshot } from './state';

/** The pod decisions of decide.ts a Deployment reuses, so its pods are made as any pod is. */
export interface PodDecisions {
  createPod(state: LabState, command: Extract<Command, { type: 'createPod' }>, prng: Prng, owner: { kind: string; name: string }): DecidedEvent[];
  podDeletion(state: LabState, pod: PodState): DecidedEvent;
  validateContainers(containers: ContainerInput[] | undefined): Container[];
}

/**
 * kube-controller-manager's pod-template-hash: FNV-32a of the template, its decimal value mapped
 * onto the name alphabet (rand.SafeEncodeString). The lab hashes its own JSON of the template.
 */
export function podTemplateHash(template: DeploymentState['template']): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(JSON.stringify(template))) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return [...String(hash)].map((digit) => KUBE_NAME_ALPHABET[digit.charCodeAt(0) % KUBE_NAME_ALPHABET.length]).join('');
}

/** The ReplicaSet that owns a Deployment's pods of one template. */
export const replicaSetName = (deployment: string, hash: string) => `${deployment}-${hash}`;

/** Every pod of the Deployment, of any template, in creation order. */
export function deploymentPods(state: LabState, namespace: string, name: string): PodState[] {
  return [...state.pods.values()].filter(
    (pod) => pod.namespace === namespace && pod.owner?.kind === 'ReplicaSet' && pod.owner.name === replicaSetName(name, pod.labels['pod-template-hash'] ?? ''),
  );
}

export function applyDeployment(state: LabState, input: DeploymentInput, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const deployment = admitDeployment(state, input, pods);
  const key = deploymentKey(deployment.namespace, deployment.name);
  const existing = state.deployments.get(key);
  const { createdAt: _created, ...stored } = existing ?? ({} as DeploymentState);
  if (existing && isDeepStrictEqual({ ...stored, uid: '' }, { ...deployment, uid: '' })) return [];
  if (existing && !isDeepStrictEqual(existing.selector, deployment.selector)) {
    throw new SimulatorError('invalid', `Deployment.apps "${deployment.name}" is invalid: spec.selector: Invalid value: ${JSON.stringify(deployment.selector)}: field is immutable`, 'spec.selector');
  }
  const applied = { ...deployment, uid: existing?.uid ?? prng.uuid(), action: existing ? 'configured' : 'created' };
  return reconcile(state, { type: 'DeploymentApplied', data: applied }, { ...applied, createdAt: existing?.createdAt ?? state.time }, prng, pods);
}

export function scaleDeployment(state: LabState, command: Extract<Command, { type: 'scaleDeployment' }>, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const deployment = requireDeployment(state, command.namespace, command.name);
  if (!Number.isInteger(command.replicas) || command.replicas < 0) {
    throw new SimulatorError('invalid', `Deployment.apps "${command.name}" is invalid: spec.replicas: Invalid value: ${command.replicas}: must be greater than or equal to 0`, 'replicas');
  }
  if (command.replicas === deployment.replicas) return [];
  const scaled = { namespace: deployment.namespace, name: deployment.name, replicas: command.replicas };
  return reconcile(state, { type: 'DeploymentScaled', data: scaled }, { ...deployment, replicas: command.replicas }, prng, pods);
}

export function deleteDeployment(state: LabState, namespace: string, name: string, pods: PodDecisions): DecidedEvent[] {
  requireDeployment(state, namespace, name);
  return [...deploymentPods(state, namespace, name).map((pod) => pods.podDeletion(state, pod)), { type: 'DeploymentDeleted', data: { namespace, name } }];
}

function requireDeployment(state: LabState, namespace: string, name: string): DeploymentState {
  const deployment = state.deployments.get(deploymentKey(namespace, name));
  if (!deployment) throw new SimulatorError('not-found', `deployments.apps "${name}" not found`, 'name');
  return deployment;
}

/** The Deployment as stored: defaulted and validated with the API server's paths. */
function admitDeployment(state: LabState, input: DeploymentInput, pods: PodDecisions): Omit<DeploymentState, 'createdAt'> {
  if (!state.namespaces.has(input.namespace)) throw new SimulatorError('not-found', `namespaces "${input.namespace}" not found`, 'metadata.namespace');
  const name = requireName('Deployment', input.name, 'subdomain', 'metadata.name');
  const invalid = (path: string, detail: string) => new SimulatorError('invalid', `Deployment.apps "${name}" is invalid: ${path}: ${detail}`, path);
  const replicas = input.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0) throw invalid('spec.replicas', `Invalid value: ${replicas}: must be greater than or equal to 0`);
  const selector = { ...(input.selector ?? {}) };
  if (Object.keys(selector).length === 0) throw invalid('spec.selector', 'Required value');
  const labels = { ...(input.template?.labels ?? {}) };
  if (!selects(selector, labels)) throw invalid('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
  let containers: Container[];
  try {
    containers = pods.validateContainers(input.template?.containers);
  } catch (error) {
    if (error instanceof SimulatorError) throw invalid(`spec.template.spec.${error.path ?? 'containers'}`, error.message);
    throw error;
  }
  const template = { labels, annotations: { ...(input.template?.annotations ?? {}) }, containers };
  return { namespace: input.namespace, name, uid: '', labels: { ...(input.labels ?? {}) }, replicas, selector, template, podTemplateHash: podTemplateHash(template) };
}

/**
 * The Deployment's event, then its pods brought to `target`: pods of an older template are all
 * replaced (the lab recreates rather than rolls), missing pods are created, extra ones removed
 * newest first. Each pod is decided on a draft that already holds the previous ones.
 */
function reconcile(state: LabState, first: DecidedEvent, target: DeploymentState, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const draft = fromSnapshot(toSnapshot(state), { owned: true });
  const events: DecidedEvent[] = [];
  const record = (decided: DecidedEvent[]) => {
    for (const event of decided) {
      evolve(draft, { seq: draft.version + 1, type: event.type, data: event.data, time: draft.time });
      events.push(event);
    }
  };
  record([first]);
  const owned = deploymentPods(draft, target.namespace, target.name);
  const outdated = owned.filter((pod) => pod.labels['pod-template-hash'] !== target.podTemplateHash);
  const current = owned.filter((pod) => pod.labels['pod-template-hash'] === target.podTemplateHash);
  const newestFirst = current.map((pod, order) => ({ pod, order })).sort((a, b) => b.pod.createdAt - a.pod.createdAt || b.order - a.order);
  const removed = newestFirst.slice(0, Math.max(0, current.length - target.replicas)).map(({ pod }) => pod);
  for (const pod of [...outdated, ...removed]) record([pods.podDeletion(draft, pod)]);
  const owner = { kind: 'ReplicaSet', name: replicaSetName(target.name, target.podTemplateHash) };
  for (let count = current.length; count < target.replicas; count++) {
    let name: string;
    do name = `${owner.name}-${prng.pick(KUBE_NAME_ALPHABET, 5)}`;
    while (draft.pods.has(podKey(target.namespace, name)));
    const labels = { ...target.template.labels, 'pod-template-hash': target.podTemplateHash };
    record(pods.createPod(draft, { type: 'createPod', namespace: target.namespace, name, labels, annotations: target.template.annotations, containers: target.template.containers }, prng, owner));
  }
  return events;
}
