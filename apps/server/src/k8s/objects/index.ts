import { renderConfigMaps, renderDaemonSets, renderNamespaces, renderNode } from './cluster-objects';
import { renderEndpointSlices, renderEndpoints, renderEvents, renderNetworkPolicies, renderServices } from './network-objects';
import { renderPod } from './pods';
import { renderDeploymentEvents, renderDeployments, renderReplicaSets } from './workload-objects';
import type { KubeObject, RenderContext } from './render-context';

export * from './render-context';
export { tableOf, formatLabelSelector } from './tables';
export { deploymentScale } from './workload-objects';

const renderers: Record<string, (ctx: RenderContext) => KubeObject[]> = {
  pods: (ctx) => [...ctx.state.pods.values()].map((pod) => renderPod(ctx, pod)),
  nodes: (ctx) => [...ctx.state.nodes.values()].map((node) => renderNode(ctx, node)),
  namespaces: renderNamespaces,
  services: renderServices,
  endpoints: renderEndpoints,
  endpointslices: renderEndpointSlices,
  configmaps: renderConfigMaps,
  events: (ctx) => [...renderEvents(ctx), ...renderDeploymentEvents(ctx)],
  daemonsets: renderDaemonSets,
  deployments: renderDeployments,
  replicasets: renderReplicaSets,
  networkpolicies: renderNetworkPolicies,
};

/** Storage order: namespace, then name. */
const byKey = (a: KubeObject, b: KubeObject) => {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** Every object of `resource` in the lab (or in `namespace`), in storage order. */
export function listObjects(resource: string, ctx: RenderContext, namespace?: string): KubeObject[] {
  const render = renderers[resource];
  if (!render) return [];
  return render(ctx)
    .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
    .sort(byKey);
}

export function getObject(resource: string, ctx: RenderContext, namespace: string | undefined, name: string): KubeObject | undefined {
  if (resource === 'pods' && namespace !== undefined) {
    const pod = ctx.state.pods.get(`${namespace}/${name}`);
    return pod ? renderPod(ctx, pod) : undefined;
  }
  return listObjects(resource, ctx, namespace).find((o) => o.metadata.name === name);
}
