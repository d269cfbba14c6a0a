import { endpointSlices, serviceEndpoints, type PodState, type ServiceState } from '@hoplab/simulator';
import { metadata, type KubeObject, type RenderContext } from './render-context';

/** Labels match a Service's equality selector. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

export function renderServices(ctx: RenderContext): KubeObject[] {
  return [...ctx.state.services.values()].map((svc) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(ctx, 'Service', { name: svc.name, namespace: svc.namespace, uid: svc.uid, createdAt: svc.createdAt, labels: svc.labels }),
    spec: {
      ports: svc.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol, port: p.port, targetPort: p.targetPort, ...(p.nodePort !== null ? { nodePort: p.nodePort } : {}) })),
      ...(svc.selector ? { selector: svc.selector } : {}),
      clusterIP: svc.clusterIP,
      clusterIPs: [svc.clusterIP],
      type: svc.type,
      sessionAffinity: svc.sessionAffinity,
      ...(svc.externalTrafficPolicy ? { externalTrafficPolicy: svc.externalTrafficPolicy } : {}),
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: svc.internalTrafficPolicy,
    },
    status: { loadBalancer: {} },
  }));
}

function endpointPods(ctx: RenderContext, namespace: string, selector: Record<string, string>): PodState[] {
  const pods: PodState[] = [];
  for (const pod of ctx.state.pods.values()) {
    if (pod.namespace === namespace && pod.phase === 'Running' && pod.ip && !pod.hostNetwork && selects(selector, pod.labels)) pods.push(pod);
  }
  return pods.sort((a, b) => (a.ip < b.ip ? -1 : 1));
}

function resolvedPort(pod: PodState, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of pod.containers) for (const p of c.ports) if (p.name === target) return p.containerPort;
  return undefined;
}

/** The apiserver's own Endpoints for default/kubernetes: the control plane's address, port https 8443. */
function kubernetesEndpoints(ctx: RenderContext, svc: ServiceState): KubeObject {
  const [https] = serviceEndpoints(ctx.state, svc);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: metadata(ctx, 'Endpoints', { name: svc.name, namespace: svc.namespace, createdAt: svc.createdAt, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }),
    ...(https?.addresses.length ? { subsets: [{ addresses: https.addresses.map((a) => ({ ip: a.address.ip })), ports: [{ name: 'https', port: https.addresses[0].port, protocol: 'TCP' }] }] } : {}),
  };
}

/** Endpoints the endpoint controller keeps for each Service with a selector, and the apiserver's. */
export function renderEndpoints(ctx: RenderContext): KubeObject[] {
  const out: KubeObject[] = [];
  for (const svc of ctx.state.services.values()) {
    if (svc.namespace === 'default' && svc.name === 'kubernetes') {
      out.push(kubernetesEndpoints(ctx, svc));
      continue;
    }
    if (!svc.selector) continue;
    const pods = endpointPods(ctx, svc.namespace, svc.selector);
    const ports = svc.ports.map((p) => ({ name: p.name || undefined, port: pods.length ? (resolvedPort(pods[0], p.targetPort) ?? 0) : 0, protocol: p.protocol }));
    out.push({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: metadata(ctx, 'Endpoints', { name: svc.name, namespace: svc.namespace, createdAt: svc.createdAt, labels: svc.labels }),
      ...(pods.length
        ? { subsets: [{ addresses: pods.map((pod) => ({ ip: pod.ip, nodeName: pod.node, targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid } })), ports }] }
        : {}),
    });
  }
  return out;
}

/** The endpoint slice controller's slices (the API server's own for default/kubernetes), owned by their Service. */
export function renderEndpointSlices(ctx: RenderContext): KubeObject[] {
  return endpointSlices(ctx.state).map((slice) => {
    const service = ctx.state.services.get(`${slice.namespace}/${slice.service}`)!;
    const meta = metadata(ctx, 'EndpointSlice', { name: slice.name, namespace: slice.namespace, createdAt: slice.createdAt, labels: slice.labels });
    if (slice.generateName) meta.generateName = slice.generateName;
    if (slice.managedBy) meta.ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name: service.name, uid: service.uid, controller: true, blockOwnerDeletion: true }];
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta,
      addressType: slice.addressType,
      endpoints: slice.endpoints.map((e) => ({
        addresses: [e.ip],
        conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
        ...(e.nodeName !== undefined ? { nodeName: e.nodeName } : {}),
        ...(e.pod ? { targetRef: { kind: 'Pod', namespace: e.pod.namespace, name: e.pod.name, uid: e.pod.uid } } : {}),
      })),
      ports: slice.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    };
  });
}

export function renderNetworkPolicies(ctx: RenderContext): KubeObject[] {
  return [...ctx.state.networkPolicies.values()].map(({ policy, createdAt }) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(ctx, 'NetworkPolicy', { ...policy.metadata, createdAt }),
    spec: policy.spec,
  }));
}

/**
 * Events the lab can tell: kubelet's and the scheduler's for each pod (the model records no
 * Event objects). Timestamps differ by a second so `describe` sorts them the same every time.
 */
export function renderEvents(ctx: RenderContext): KubeObject[] {
  const out: KubeObject[] = [];
  for (const pod of ctx.state.pods.values()) {
    if (pod.hostNetwork || !pod.node) continue;
    const steps: [string, string, string][] = [['Normal', 'Scheduled', `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`]];
    if (pod.phase === 'Running') {
      for (const c of pod.containers) {
        steps.push(['Normal', 'Pulled', `Container image "${c.image}" already present on machine`], ['Normal', 'Created', `Created container ${c.name}`], ['Normal', 'Started', `Started container ${c.name}`]);
      }
    }
    steps.forEach(([type, reason, message], i) => {
      const at = Math.min(ctx.now, pod.createdAt + i * 1000);
      const name = `${pod.name}.${(pod.uid.replace(/-/g, '').slice(0, 12) + i.toString(16)).padEnd(16, '0')}`;
      const when = metadata(ctx, 'Event', { name, namespace: pod.namespace, createdAt: at }).creationTimestamp;
      out.push({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: metadata(ctx, 'Event', { name, namespace: pod.namespace, createdAt: at }),
        involvedObject: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid, apiVersion: 'v1' },
        reason,
        message,
        source: reason === 'Scheduled' ? { component: 'default-scheduler' } : { component: 'kubelet', host: pod.node },
        firstTimestamp: when,
        lastTimestamp: when,
        count: 1,
        type,
        reportingComponent: reason === 'Scheduled' ? 'default-scheduler' : 'kubelet',
        reportingInstance: reason === 'Scheduled' ? '' : pod.node,
      });
    });
  }
  return out;
}
