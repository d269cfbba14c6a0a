import { labEvents } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from './apply';
import type { Command, DeploymentInput } from './commands';
import { decide } from './decide';
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
    expect(events.map((e) => e.type)).toEqual(['DeploymentScaled', 'PodDeleted', 'PodDeleted', 'PodDeleted']);
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
    expect(state.deployments.size).toBe(0);
    expect([...state.pods.keys()].filter((key) => key.startsWith('default/'))).toEqual(['default/web-other']);
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
