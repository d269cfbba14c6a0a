import { labEvents } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from './apply';
import type { Command, DeploymentInput } from './commands';
import { decide } from './decide';
import { scalingMessage } from './deployment-state';
import { deploymentPods, podTemplateHash } from './deployments';
import { SimulatorError } from './errors';
import { replay, type AppliedEvent } from './evolve';
import { fromSnapshot, initialState, toSnapshot } from './state';

const web = (extra: Partial<DeploymentInput> = {}): DeploymentInput => ({
  namespace: 'default',
  name: 'web',
  replicas: 3,
  selector: { app: 'web' },
  template: { labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
  ...extra,
});

function lab(nodes = 2): { state: LabState; events: AppliedEvent[] } {
  const state = initialState();
  const events = applyCommand(state, { type: 'createLab', name: 'deploy-lab' });
  for (let i = 0; i < nodes; i++) events.push(...applyCommand(state, { type: 'addNode' }));
  return { state, events };
}

function refusal(state: LabState, command: Command): SimulatorError {
  try {
    decide(state, command, { time: 0, actor: 'test' });
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatorError);
    return error as SimulatorError;
  }
  throw new Error(`expected ${command.type} to be refused`);
}

describe('Deployments', () => {
  it('given a lab, when a Deployment is applied, then its replicas are real pods named <name>-<hash>-<5 chars>, owned by the ReplicaSet', () => {
    const { state } = lab();
    const events = applyCommand(state, { type: 'applyDeployment', deployment: web() });
    expect(events[0]).toMatchObject({ type: 'DeploymentApplied', data: { name: 'web', replicas: 3, action: 'created' } });
    const hash = state.deployments.get('default/web')!.podTemplateHash;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const pods = deploymentPods(state, 'default', 'web');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(pod.owner).toEqual({ kind: 'ReplicaSet', name: `web-${hash}` });
      expect(pod.phase).toBe('Running');
    }
    expect(new Set(pods.map((pod) => pod.ip)).size).toBe(3);
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
  });

  it('given the same manifest applied twice, then the second apply decides nothing; a new replica count configures it', () => {
    const { state } = lab();
    applyCommand(state, { type: 'applyDeployment', deployment: web() });
    expect(decide(state, { type: 'applyDeployment', deployment: web() }, { time: 0, actor: 't' })).toEqual([]);
    const events = applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 4 }) });
    expect(events[0]).toMatchObject({ type: 'DeploymentApplied', data: { action: 'configured', replicas: 4 } });
    expect(deploymentPods(state, 'default', 'web')).toHaveLength(4);
  });

  it('given a running Deployment, when scaled down, then the newest pods go first; scaled up, new pods join', () => {
    const { state } = lab();
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2 }) }, 1000);
    const oldest = deploymentPods(state, 'default', 'web').map((pod) => pod.name);
    applyCommand(state, { type: 'scaleDeployment', namespace: 'default', name: 'web', replicas: 5 }, 2000);
    expect(deploymentPods(state, 'default', 'web')).toHaveLength(5);
    const events = applyCommand(state, { type: 'scaleDeployment', namespace: 'default', name: 'web', replicas: 2 }, 3000);
    expect(events.map((e) => e.type)).toEqual(['DeploymentScaled', 'ReplicaSetScaled', 'PodDeleted', 'PodDeleted', 'PodDeleted']);
    expect(events[1].data).toMatchObject({ name: `web-${state.deployments.get('default/web')!.podTemplateHash}`, from: 5, replicas: 2 });
    expect(deploymentPods(state, 'default', 'web').map((pod) => pod.name)).toEqual(oldest);
    expect(state.deployments.get('default/web')!.replicas).toBe(2);
  });

  it('given a Deployment, when its template changes, then every pod is replaced by pods of the new hash', () => {
    const { state } = lab();
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2 }) });
    const before = state.deployments.get('default/web')!.podTemplateHash;
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2, template: { labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx:1.28' }] } }) });
    const after = state.deployments.get('default/web')!.podTemplateHash;
    expect(after).not.toBe(before);
    expect(deploymentPods(state, 'default', 'web').map((pod) => pod.labels['pod-template-hash'])).toEqual([after, after]);
  });

  it('given a Deployment, when deleted, then its pods go with it and other pods stay', () => {
    const { state } = lab();
    applyCommand(state, { type: 'createPod', namespace: 'default', name: 'web-other', containers: [{ name: 'c', image: 'busybox' }] });
    applyCommand(state, { type: 'applyDeployment', deployment: web() });
    applyCommand(state, { type: 'deleteDeployment', namespace: 'default', name: 'web' });
    expect(state.deployments.has('default/web')).toBe(false);
    expect([...state.pods.keys()].filter((key) => key.startsWith('default/'))).toEqual(['default/web-other']);
  });

  it('given a template change of 4 replicas, then it rolls: +1 new, -1 old per step (25% surge, 25% unavailable), never fewer than 3 pods', () => {
    const { state } = lab();
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 4 }) }, 1000);
    const v1 = state.deployments.get('default/web')!.podTemplateHash;
    const events = applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 4, template: { labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx:1.28' }] } }) }, 2000);
    const v2 = state.deployments.get('default/web')!.podTemplateHash;
    const steps = events.filter((e) => e.type === 'ReplicaSetScaled').map((e) => e.data as { hash: string; from: number; replicas: number });
    expect(steps.map((s) => `${s.hash === v1 ? 'old' : 'new'} ${s.from}->${s.replicas}`)).toEqual([
      'new 0->1', 'old 4->3', 'new 1->2', 'old 3->2', 'new 2->3', 'old 2->1', 'new 3->4', 'old 1->0',
    ]);
    // Pods alive after each event: never below replicas - maxUnavailable, never above replicas + maxSurge.
    let alive = 4;
    for (const event of events) {
      if (event.type === 'PodCreated') alive++;
      if (event.type === 'PodDeleted') alive--;
      expect(alive).toBeGreaterThanOrEqual(3);
      expect(alive).toBeLessThanOrEqual(5);
    }
    expect(deploymentPods(state, 'default', 'web').map((pod) => pod.labels['pod-template-hash'])).toEqual([v2, v2, v2, v2]);
    const deployment = state.deployments.get('default/web')!;
    expect(deployment.replicaSets.map((rs) => [rs.hash, rs.replicas, rs.revision])).toEqual([[v1, 0, 1], [v2, 4, 2]]);
    expect(deployment.generation).toBe(2);
    expect(deployment.scalings.map(scalingMessage).slice(1, 4)).toEqual([`Scaled up replica set web-${v2} to 1`, `Scaled down replica set web-${v1} to 3 from 4`, `Scaled up replica set web-${v2} to 2 from 1`]);
    for (const event of events) expect(() => labEvents.validate(event.type, event.data)).not.toThrow();
  });

  it('given a template it ran before, then it rolls back to that ReplicaSet (same hash, newest revision); Recreate empties the old one first', () => {
    const { state } = lab();
    const v2Template = { labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx:1.28' }] };
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2 }) });
    const v1 = state.deployments.get('default/web')!.podTemplateHash;
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2, template: v2Template }) });
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2 }) });
    const deployment = state.deployments.get('default/web')!;
    expect(deployment.podTemplateHash).toBe(v1);
    expect(deployment.replicaSets.map((rs) => [rs.hash === v1, rs.revision])).toEqual([[false, 2], [true, 3]]);
    const events = applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2, template: v2Template, strategy: { type: 'Recreate' } }) });
    const types = events.map((e) => e.type);
    expect(types.lastIndexOf('PodDeleted')).toBeLessThan(types.indexOf('PodCreated'));
  });

  it('keeps 10 old ReplicaSets at most (revisionHistoryLimit): the oldest empty ones go', () => {
    const { state } = lab(1);
    for (let i = 0; i < 13; i++) applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 1, template: { labels: { app: 'web' }, containers: [{ name: 'nginx', image: `nginx:1.${i}` }] } }) });
    const revisions = state.deployments.get('default/web')!.replicaSets.map((rs) => rs.revision);
    expect(revisions).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('given a Deployment pod deleted by hand, then its ReplicaSet replaces it with a new pod', () => {
    const { state } = lab();
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 2 }) });
    const [first, second] = deploymentPods(state, 'default', 'web').map((pod) => pod.name);
    const events = applyCommand(state, { type: 'deletePod', namespace: 'default', name: first });
    expect(events.map((e) => e.type)).toEqual(['PodDeleted', 'PodCreated', expect.stringMatching(/Attached$/)]);
    const names = deploymentPods(state, 'default', 'web').map((pod) => pod.name);
    expect(names).toHaveLength(2);
    expect(names).toContain(second);
    expect(names).not.toContain(first);
  });

  it('given a node removed, then the Deployment pods it ran are made again on the nodes left', () => {
    const { state } = lab(3);
    applyCommand(state, { type: 'applyDeployment', deployment: web({ replicas: 3 }) });
    const onM02 = deploymentPods(state, 'default', 'web').filter((pod) => pod.node === 'minikube-m02');
    expect(onM02.length).toBeGreaterThan(0);
    const events = applyCommand(state, { type: 'removeNode', name: 'minikube-m02' });
    expect(events.filter((e) => e.type === 'PodCreated')).toHaveLength(onM02.length);
    const pods = deploymentPods(state, 'default', 'web');
    expect(pods).toHaveLength(3);
    expect(pods.every((pod) => pod.node !== 'minikube-m02' && pod.phase === 'Running')).toBe(true);
  });

  it('given a control plane, then coredns is a one-replica Deployment of kube-system whose pod carries its hash', () => {
    const { state } = lab(1);
    const coredns = state.deployments.get('kube-system/coredns')!;
    expect(coredns).toMatchObject({ replicas: 1, selector: { 'k8s-app': 'kube-dns' }, generation: 1 });
    const pods = deploymentPods(state, 'kube-system', 'coredns');
    expect(pods.map((pod) => pod.name)).toEqual([expect.stringMatching(new RegExp(`^coredns-${coredns.podTemplateHash}-[a-z0-9]{5}$`))]);
    expect(coredns.replicaSets).toEqual([expect.objectContaining({ hash: coredns.podTemplateHash, replicas: 1, revision: 1 })]);
  });

  it('refuses invalid Deployments with the API server paths', () => {
    const { state } = lab();
    expect(refusal(state, { type: 'applyDeployment', deployment: web({ selector: { app: 'api' } }) }).path).toBe('spec.template.metadata.labels');
    expect(refusal(state, { type: 'applyDeployment', deployment: web({ replicas: -1 }) }).path).toBe('spec.replicas');
    expect(refusal(state, { type: 'applyDeployment', deployment: web({ selector: {} }) }).path).toBe('spec.selector');
    expect(refusal(state, { type: 'applyDeployment', deployment: web({ template: { labels: { app: 'web' }, containers: [] } }) }).path).toBe('spec.template.spec.containers');
    expect(refusal(state, { type: 'applyDeployment', deployment: web({ namespace: 'nope' }) }).code).toBe('not-found');
    expect(refusal(state, { type: 'scaleDeployment', namespace: 'default', name: 'web', replicas: 2 }).message).toBe('deployments.apps "web" not found');
  });

  it('replaying the events, or restoring a snapshot, gives the same state as deciding them', () => {
    const { state, events } = lab();
    events.push(...applyCommand(state, { type: 'applyDeployment', deployment: web() }, 500));
    events.push(...applyCommand(state, { type: 'scaleDeployment', namespace: 'default', name: 'web', replicas: 1 }, 900));
    events.push(...applyCommand(state, { type: 'scaleDeployment', namespace: 'default', name: 'web', replicas: 4 }, 1200));
    expect(toSnapshot(replay(events))).toEqual(toSnapshot(state));
    expect(toSnapshot(fromSnapshot(JSON.stringify(toSnapshot(state))))).toEqual(toSnapshot(state));
  });

  it('hashes templates deterministically, as SafeEncodeString of an FNV-32a value', () => {
    const template = { labels: { app: 'web' }, annotations: {}, containers: [{ name: 'nginx', image: 'nginx', ports: [] }] };
    expect(podTemplateHash(template)).toBe(podTemplateHash(structuredClone(template)));
    expect(podTemplateHash({ ...template, labels: { app: 'api' } })).not.toBe(podTemplateHash(template));
  });
});
