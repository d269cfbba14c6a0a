import type { Container, PodState } from '@hoplab/simulator';
import { podStatus } from '@hoplab/simulator/views';
import { derivedUid, metadata, timestamp, type KubeObject, type RenderContext } from './render-context';

const ownerApiVersion: Record<string, string> = { DaemonSet: 'apps/v1', Node: 'v1', ReplicaSet: 'apps/v1' };

/** `Always` for `:latest` or an untagged image, as the API server defaults it. */
export function imagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (lastSegment.includes('@')) return 'IfNotPresent';
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function containerSpec(container: Container) {
  return {
    name: container.name,
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(container.ports.length ? { ports: container.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol })) } : {}),
    ...(container.env?.length ? { env: container.env } : {}),
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: imagePullPolicy(container.image),
  };
}

function containerStatus(ctx: RenderContext, pod: PodState, container: Container) {
  const running = pod.phase === 'Running';
  return {
    name: container.name,
    state: running
      ? { running: { startedAt: timestamp(ctx, pod.createdAt) } }
      : { waiting: { reason: podStatus(pod) === 'ContainerCreating' ? 'ContainerCreating' : 'Pending' } },
    lastState: {},
    ready: running,
    restartCount: pod.restarts,
    image: container.image,
    imageID: running ? `docker-pullable://${container.image}` : '',
    ...(running ? { containerID: `docker://${(pod.containerId ?? derivedUid(ctx, 'Container', pod.namespace, pod.name)).replace(/-/g, '')}` } : {}),
    started: running,
  };
}

export function renderPod(ctx: RenderContext, pod: PodState): KubeObject {
  const meta = metadata(ctx, 'Pod', { ...pod, createdAt: pod.createdAt });
  if (pod.owner) {
    meta.ownerReferences = [
      { apiVersion: ownerApiVersion[pod.owner.kind] ?? 'v1', kind: pod.owner.kind, name: pod.owner.name, uid: derivedUid(ctx, pod.owner.kind, pod.owner.kind === 'Node' ? '' : pod.namespace, pod.owner.name), controller: true, blockOwnerDeletion: true },
    ];
  }
  const node = ctx.state.nodes.get(pod.node);
  const running = pod.phase === 'Running';
  const started = timestamp(ctx, pod.createdAt);
  const condition = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: started });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta,
    spec: {
      containers: pod.containers.map(containerSpec),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: pod.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      ...(pod.node ? { nodeName: pod.node } : {}),
      ...(pod.hostNetwork ? { hostNetwork: true } : {}),
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: pod.phase,
      conditions: [
        condition('PodReadyToStartContainers', pod.ip !== ''),
        condition('Initialized', true),
        condition('Ready', running),
        condition('ContainersReady', running),
        condition('PodScheduled', pod.node !== ''),
      ],
      ...(node ? { hostIP: node.ip, hostIPs: [{ ip: node.ip }] } : {}),
      ...(pod.ip ? { podIP: pod.ip, podIPs: [{ ip: pod.ip }] } : {}),
      startTime: started,
      containerStatuses: pod.containers.map((c) => containerStatus(ctx, pod, c)),
      qosClass: 'BestEffort',
    },
  };
}
