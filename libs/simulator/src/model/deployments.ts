import { isDeepStrictEqual } from 'node:util';
import type { Container, DeploymentState, DeploymentStrategy, DeploymentTemplate, LabState, PodState } from '../cluster/types';
import { KUBE_NAME_ALPHABET, requireName } from '../cluster/names';
import { Prng } from '../net/prng';
import { selects } from '../services/selector';
import type { Command, ContainerInput, DecidedEvent, DeploymentInput } from './commands';
import { sameJson, type AppliedDeployment } from './deployment-state';
import { SimulatorError } from './errors';
import { evolve } from './evolve';
import { deploymentKey, fromSnapshot, podKey, toSnapshot } from './state';

/** The pod decisions of decide.ts a Deployment reuses, so its pods are made as any pod is. */
export interface PodDecisions {
  createPod(state: LabState, command: Extract<Command, { type: 'createPod' }>, prng: Prng, owner: { kind: string; name: string }): DecidedEvent[];
  podDeletion(state: LabState, pod: PodState): DecidedEvent;
  validateContainers(containers: ContainerInput[] | undefined): Container[];
}

/** The controller's own annotation on a Deployment: never part of what a user applies. */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

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

/** maxSurge / maxUnavailable of a rollout of `replicas` pods (intstr: a count or a percentage). */
export function rolloutBudget(strategy: DeploymentStrategy | undefined, replicas: number): { maxSurge: number; maxUnavailable: number } {
  const resolve = (value: number | string | undefined, roundUp: boolean) => {
    const v = value ?? '25%';
    if (typeof v === 'number') return v;
    const percent = Number(v.slice(0, -1));
    return roundUp ? Math.ceil((percent * replicas) / 100) : Math.floor((percent * replicas) / 100);
  };
  const maxSurge = resolve(strategy?.maxSurge, true);
  const maxUnavailable = resolve(strategy?.maxUnavailable, false);
  return { maxSurge, maxUnavailable: maxSurge === 0 && maxUnavailable === 0 ? 1 : maxUnavailable };
}

export function applyDeployment(state: LabState, input: DeploymentInput, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const existing = state.deployments.get(deploymentKey(input.namespace, input.name));
  const deployment = admitDeployment(state, input, existing, pods);
  if (existing) {
    const { createdAt: _c, generation: _g, replicaSets: _r, scalings: _s, ...stored } = existing;
    if (isDeepStrictEqual({ ...stored, uid: '' }, { ...deployment, uid: '' })) return [];
    if (!isDeepStrictEqual(existing.selector, deployment.selector)) {
      throw new SimulatorError('invalid', `Deployment.apps "${deployment.name}" is invalid: spec.selector: Invalid value: ${JSON.stringify(deployment.selector)}: field is immutable`, 'spec.selector');
    }
  }
  const applied = { ...deployment, uid: existing?.uid ?? prng.uuid(), action: existing ? 'configured' : 'created' };
  return reconcile(state, { type: 'DeploymentApplied', data: applied }, applied, prng, pods);
}

export function scaleDeployment(state: LabState, command: Extract<Command, { type: 'scaleDeployment' }>, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const deployment = requireDeployment(state, command.namespace, command.name);
  if (!Number.isInteger(command.replicas) || command.replicas < 0) {
    throw new SimulatorError('invalid', `Deployment.apps "${command.name}" is invalid: spec.replicas: Invalid value: ${command.replicas}: must be greater than or equal to 0`, 'replicas');
  }
  if (command.replicas === deployment.replicas) return [];
  const scaled = { namespace: deployment.namespace, name: deployment.name, replicas: command.replicas };
  return reconcile(state, { type: 'DeploymentScaled', data: scaled }, deployment, prng, pods);
}

export function deleteDeployment(state: LabState, namespace: string, name: string, pods: PodDecisions): DecidedEvent[] {
  requireDeployment(state, namespace, name);
  return [...deploymentPods(state, namespace, name).map((pod) => pods.podDeletion(state, pod)), { type: 'DeploymentDeleted', data: { namespace, name } }];
}

/**
 * The ReplicaSets make up for pods that went away outside a rollout (deleted by hand, or with their
 * node): each creates its missing replicas right away, on the nodes left, as the ReplicaSet controller does.
 */
export function replaceMissingPods(draft: LabState, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const events: DecidedEvent[] = [];
  const record = recorder(draft, events);
  if (draft.nodes.size === 0) return events;
  for (const deployment of draft.deployments.values()) {
    const owned = deploymentPods(draft, deployment.namespace, deployment.name);
    for (const rs of deployment.replicaSets) {
      const have = owned.filter((p) => p.labels['pod-template-hash'] === rs.hash).length;
      for (let count = have; count < rs.replicas; count++) createReplica(draft, deployment, rs.hash, rs.template, prng, pods, record);
    }
  }
  return events;
}

/**
 * kube-system's coredns Deployment as minikube's kubeadm creates it (one replica), for the coredns
 * pod decided with the control plane; its uid comes from its own seed so no other draw moves.
 */
export function corednsDeployment(state: LabState, pod: { labels: Record<string, string>; containers: Container[] }): DecidedEvent[] {
  const hash = pod.labels['pod-template-hash'];
  const labels = { 'k8s-app': 'kube-dns' };
  const data = {
    namespace: 'kube-system',
    name: 'coredns',
    uid: new Prng(`${state.name}/kube-system/coredns`).uuid(),
    labels,
    replicas: 1,
    selector: labels,
    template: { labels, annotations: {}, containers: pod.containers },
    podTemplateHash: hash,
    action: 'created',
  };
  return [
    { type: 'DeploymentApplied', data },
    { type: 'ReplicaSetScaled', data: { namespace: 'kube-system', deployment: 'coredns', name: replicaSetName('coredns', hash), hash, from: 0, replicas: 1 } },
  ];
}

function requireDeployment(state: LabState, namespace: string, name: string): DeploymentState {
  const deployment = state.deployments.get(deploymentKey(namespace, name));
  if (!deployment) throw new SimulatorError('not-found', `deployments.apps "${name}" not found`, 'name');
  return deployment;
}

function admitStrategy(input: DeploymentInput['strategy'], invalid: (path: string, detail: string) => SimulatorError): DeploymentStrategy | undefined {
  if (!input) return undefined;
  if (input.type !== 'RollingUpdate' && input.type !== 'Recreate') throw invalid('spec.strategy.type', `Unsupported value: "${input.type}": supported values: "Recreate", "RollingUpdate"`);
  if (input.type === 'Recreate') {
    if (input.maxSurge !== undefined || input.maxUnavailable !== undefined) throw invalid('spec.strategy.rollingUpdate', "Forbidden: may not be specified when strategy `type` is 'Recreate'");
    return { type: 'Recreate' };
  }
  for (const field of ['maxSurge', 'maxUnavailable'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value === 'number' ? !Number.isInteger(value) || value < 0 : !/^\d+%$/.test(value)) {
      throw invalid(`spec.strategy.rollingUpdate.${field}`, `Invalid value: ${JSON.stringify(value)}: must be a non-negative integer or a percentage`);
    }
  }
  const zero = (v: number | string | undefined) => v === 0 || v === '0%';
  if (zero(input.maxSurge) && zero(input.maxUnavailable)) throw invalid('spec.strategy.rollingUpdate.maxUnavailable', 'Invalid value: 0: may not be 0 when `maxSurge` is 0');
  const maxSurge = input.maxSurge ?? '25%';
  const maxUnavailable = input.maxUnavailable ?? '25%';
  // The defaults are stored as "no strategy", so re-applying a manifest that spells them out changes nothing.
  return maxSurge === '25%' && maxUnavailable === '25%' ? undefined : { type: 'RollingUpdate', maxSurge, maxUnavailable };
}

/** The Deployment as stored: defaulted and validated with the API server's paths. */
function admitDeployment(state: LabState, input: DeploymentInput, existing: DeploymentState | undefined, pods: PodDecisions): AppliedDeployment {
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
  const strategy = admitStrategy(input.strategy, invalid);
  const template: DeploymentTemplate = { labels, annotations: { ...(input.template?.annotations ?? {}) }, containers };
  // A template the Deployment ran before keeps its ReplicaSet (and hash): re-applying it rolls back to it.
  const known = existing?.replicaSets.find((rs) => sameJson(rs.template, template));
  const { [REVISION_ANNOTATION]: _revision, ...annotations } = input.annotations ?? {};
  return {
    namespace: input.namespace,
    name,
    uid: '',
    labels: { ...(input.labels ?? {}) },
    ...(Object.keys(annotations).length ? { annotations } : {}),
    replicas,
    selector,
    template,
    podTemplateHash: known?.hash ?? podTemplateHash(template),
    ...(strategy ? { strategy } : {}),
  };
}

type Record_ = (decided: DecidedEvent[]) => void;

/** Appends events and applies them to the draft, so each later decision sees the earlier ones. */
function recorder(draft: LabState, events: DecidedEvent[]): Record_ {
  return (decided) => {
    for (const event of decided) {
      evolve(draft, { seq: draft.version + 1, type: event.type, data: event.data, time: draft.time });
      events.push(event);
    }
  };
}

function createReplica(draft: LabState, deployment: DeploymentState, hash: string, template: DeploymentTemplate, prng: Prng, pods: PodDecisions, record: Record_): void {
  const owner = { kind: 'ReplicaSet', name: replicaSetName(deployment.name, hash) };
  let name: string;
  do name = `${owner.name}-${prng.pick(KUBE_NAME_ALPHABET, 5)}`;
  while (draft.pods.has(podKey(deployment.namespace, name)));
  const labels = { ...template.labels, 'pod-template-hash': hash };
  record(pods.createPod(draft, { type: 'createPod', namespace: deployment.namespace, name, labels, annotations: template.annotations, containers: template.containers }, prng, owner));
}

/**
 * The Deployment's event, then the deployment controller's steps, each a ReplicaSetScaled event
 * followed by the pods its ReplicaSet creates or deletes (newest first). A new template is rolled
 * out as the controller does: the new ReplicaSet grows by what maxSurge allows, the old ones
 * shrink to keep `replicas - maxUnavailable` available pods (the new ReplicaSet's pods count from
 * the step after their creation), until only the new one is left (Recreate: the old ones go to 0 first). Each step is decided on a draft holding the previous ones.
 */
function reconcile(state: LabState, first: DecidedEvent, target: { namespace: string; name: string }, prng: Prng, pods: PodDecisions): DecidedEvent[] {
  const draft = fromSnapshot(toSnapshot(state), { owned: true });
  const events: DecidedEvent[] = [];
  const record = recorder(draft, events);
  record([first]);
  const deployment = draft.deployments.get(deploymentKey(target.namespace, target.name))!;
  const podsOf = (hash: string) => deploymentPods(draft, deployment.namespace, deployment.name).filter((pod) => pod.labels['pod-template-hash'] === hash);
  const scale = (hash: string, to: number) => {
    const current = podsOf(hash);
    if (current.length === to) return;
    const rs = deployment.replicaSets.find((r) => r.hash === hash)!;
    record([{ type: 'ReplicaSetScaled', data: { namespace: deployment.namespace, deployment: deployment.name, name: replicaSetName(deployment.name, hash), hash, from: current.length, replicas: to } }]);
    const newestFirst = current.map((pod, order) => ({ pod, order })).sort((a, b) => b.pod.createdAt - a.pod.createdAt || b.order - a.order);
    for (const { pod } of newestFirst.slice(0, Math.max(0, current.length - to))) record([pods.podDeletion(draft, pod)]);
    for (let count = current.length; count < to; count++) createReplica(draft, deployment, hash, rs.template, prng, pods, record);
  };

  const replicas = deployment.replicas;
  const newHash = deployment.podTemplateHash;
  const old = () => deployment.replicaSets.filter((rs) => rs.hash !== newHash && podsOf(rs.hash).length > 0);
  if (old().length > 0 && deployment.strategy?.type === 'Recreate') for (const rs of old()) scale(rs.hash, 0);
  const { maxSurge, maxUnavailable } = rolloutBudget(deployment.strategy, replicas);
  while (old().length > 0) {
    const before = events.length;
    const fresh = podsOf(newHash).length;
    const total = fresh + old().reduce((sum, rs) => sum + podsOf(rs.hash).length, 0);
    if (fresh < replicas && total < replicas + maxSurge) scale(newHash, fresh + Math.min(replicas + maxSurge - total, replicas - fresh));
    // Pods created in this step are not available yet when the controller next looks (their containers are starting).
    const starting = podsOf(newHash).length - fresh;
    let excess = podsOf(newHash).length + old().reduce((sum, rs) => sum + podsOf(rs.hash).length, 0) - (replicas - maxUnavailable) - starting;
    for (const rs of old()) {
      if (excess <= 0) break;
      const count = podsOf(rs.hash).length;
      const down = Math.min(count, excess);
      scale(rs.hash, count - down);
      excess -= down;
    }
    if (events.length === before) break;
  }
  scale(newHash, replicas);
  return events;
}
