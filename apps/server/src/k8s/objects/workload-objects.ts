import { deploymentPods, replicaSetName, rolloutBudget, scalingMessage, type DeploymentState, type DeploymentTemplate } from '@hoplab/simulator';
import { replicaSets, type ReplicaSetView } from '@hoplab/simulator/views';
import { containerSpec } from './pods';
import { metadata, type KubeObject, type RenderContext } from './render-context';

const REVISION = 'deployment.kubernetes.io/revision';

function podTemplate(template: DeploymentTemplate, labels: Record<string, string>) {
  return {
    metadata: { creationTimestamp: null, labels, ...(Object.keys(template.annotations).length ? { annotations: template.annotations } : {}) },
    spec: {
      containers: template.containers.map(containerSpec),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

function strategy(deployment: DeploymentState) {
  if (deployment.strategy?.type === 'Recreate') return { type: 'Recreate' };
  return { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: deployment.strategy?.maxUnavailable ?? '25%', maxSurge: deployment.strategy?.maxSurge ?? '25%' } };
}

const revisionOf = (deployment: DeploymentState) => deployment.replicaSets.find((rs) => rs.hash === deployment.podTemplateHash)?.revision ?? 1;

/** A status field the API server leaves out when it is 0 (omitempty). */
const counted = (field: string, value: number) => (value > 0 ? { [field]: value } : {});

/**
 * Deployments with the status the deployment controller writes once a rollout is done, which in
 * the lab is at once: every pod ready, observedGeneration = generation.
 */
export function renderDeployments(ctx: RenderContext): KubeObject[] {
  return [...ctx.state.deployments.values()].map((deployment) => {
    const pods = deploymentPods(ctx.state, deployment.namespace, deployment.name);
    const updated = pods.filter((pod) => pod.labels['pod-template-hash'] === deployment.podTemplateHash);
    const ready = pods.filter((pod) => pod.phase === 'Running').length;
    const meta = metadata(ctx, 'Deployment', { name: deployment.name, namespace: deployment.namespace, uid: deployment.uid, createdAt: deployment.createdAt, labels: deployment.labels, annotations: { [REVISION]: String(revisionOf(deployment)), ...deployment.annotations } });
    const since = meta.creationTimestamp;
    const rsName = replicaSetName(deployment.name, deployment.podTemplateHash);
    const available = ready >= deployment.replicas - rolloutBudget(deployment.strategy, deployment.replicas).maxUnavailable;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta, generation: deployment.generation },
      spec: {
        replicas: deployment.replicas,
        selector: { matchLabels: deployment.selector },
        template: podTemplate(deployment.template, deployment.template.labels),
        strategy: strategy(deployment),
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: deployment.generation,
        ...counted('replicas', pods.length),
        ...counted('updatedReplicas', updated.length),
        ...counted('readyReplicas', ready),
        ...counted('availableReplicas', ready),
        ...counted('unavailableReplicas', Math.max(0, deployment.replicas - ready)),
        conditions: [
          available
            ? { type: 'Available', status: 'True', lastUpdateTime: since, lastTransitionTime: since, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
            : { type: 'Available', status: 'False', lastUpdateTime: since, lastTransitionTime: since, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', lastUpdateTime: since, lastTransitionTime: since, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` },
        ],
      },
    };
  });
}

function renderReplicaSet(ctx: RenderContext, view: ReplicaSetView): KubeObject {
  const { deployment, rs } = view;
  const { maxSurge } = rolloutBudget(deployment.strategy, deployment.replicas);
  const meta = metadata(ctx, 'ReplicaSet', {
    name: view.name,
    namespace: view.namespace,
    createdAt: rs.createdAt,
    labels: view.labels,
    annotations: { 'deployment.kubernetes.io/desired-replicas': String(deployment.replicas), 'deployment.kubernetes.io/max-replicas': String(deployment.replicas + maxSurge), [REVISION]: String(rs.revision) },
  });
  meta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name, uid: deployment.uid, controller: true, blockOwnerDeletion: true }];
  const object = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { ...meta, generation: 1 },
    spec: { replicas: rs.replicas, selector: { matchLabels: view.selector }, template: podTemplate(rs.template, view.labels) },
    status: { replicas: view.current, ...counted('fullyLabeledReplicas', view.current), ...counted('readyReplicas', view.ready), ...counted('availableReplicas', view.ready), observedGeneration: 1 },
  };
  return object;
}

export function renderReplicaSets(ctx: RenderContext): KubeObject[] {
  return replicaSets(ctx.state).map((view) => renderReplicaSet(ctx, view));
}

/** autoscaling/v1 Scale of a Deployment: what `kubectl scale` reads and patches. */
export function deploymentScale(ctx: RenderContext, deployment: DeploymentState): KubeObject {
  const pods = deploymentPods(ctx.state, deployment.namespace, deployment.name);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: metadata(ctx, 'Deployment', { name: deployment.name, namespace: deployment.namespace, uid: deployment.uid, createdAt: deployment.createdAt }),
    spec: { replicas: deployment.replicas },
    status: {
      replicas: pods.length,
      selector: Object.keys(deployment.selector)
        .sort()
        .map((key) => `${key}=${deployment.selector[key]}`)
        .join(','),
    },
  };
}

/** The deployment controller's ScalingReplicaSet events, named so that storage order is their order. */
export function renderDeploymentEvents(ctx: RenderContext): KubeObject[] {
  return [...ctx.state.deployments.values()].flatMap((deployment) =>
    deployment.scalings.map((scaling) => {
      const name = `${deployment.name}.${deployment.uid.replace(/-/g, '').slice(0, 4)}${scaling.seq.toString(16).padStart(12, '0')}`;
      const meta = metadata(ctx, 'Event', { name, namespace: deployment.namespace, createdAt: scaling.time });
      return {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: meta,
        involvedObject: { kind: 'Deployment', namespace: deployment.namespace, name: deployment.name, uid: deployment.uid, apiVersion: 'apps/v1' },
        reason: 'ScalingReplicaSet',
        message: scalingMessage(scaling),
        source: { component: 'deployment-controller' },
        firstTimestamp: meta.creationTimestamp,
        lastTimestamp: meta.creationTimestamp,
        count: 1,
        type: 'Normal',
        reportingComponent: 'deployment-controller',
        reportingInstance: '',
      };
    }),
  );
}
