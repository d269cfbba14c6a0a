import type { ResourceRef } from './status';

/** One served resource: enough for discovery, OpenAPI, routing and kubectl's messages. */
export interface KubeResource extends ResourceRef {
  version: 'v1';
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: string[];
}

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const readOnly = ['get', 'list', 'watch'];

function resource(group: string, resourceName: string, kind: string, namespaced: boolean, shortNames: string[], extra: Partial<KubeResource> = {}): KubeResource {
  return {
    group,
    version: 'v1',
    resource: resourceName,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
    categories: [],
    verbs: all,
    subresources: [],
    ...extra,
  };
}

/** What every lab serves, in discovery order. */
export const kubeResources: KubeResource[] = [
  resource('', 'pods', 'Pod', true, ['po'], { categories: ['all'], subresources: ['attach', 'exec', 'log', 'status'] }),
  resource('', 'nodes', 'Node', false, ['no'], { verbs: readOnly }),
  resource('', 'namespaces', 'Namespace', false, ['ns'], { verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  resource('', 'services', 'Service', true, ['svc'], { categories: ['all'] }),
  resource('', 'endpoints', 'Endpoints', true, ['ep'], { verbs: readOnly }),
  resource('', 'configmaps', 'ConfigMap', true, ['cm'], { verbs: readOnly }),
  resource('', 'events', 'Event', true, ['ev'], { verbs: readOnly }),
  resource('apps', 'daemonsets', 'DaemonSet', true, ['ds'], { categories: ['all'], verbs: ['get', 'list', 'patch', 'watch'] }),
  resource('apps', 'deployments', 'Deployment', true, ['deploy'], { categories: ['all'], subresources: ['scale', 'status'] }),
  resource('apps', 'replicasets', 'ReplicaSet', true, ['rs'], { categories: ['all'], verbs: readOnly }),
  resource('discovery.k8s.io', 'endpointslices', 'EndpointSlice', true, [], { verbs: readOnly }),
  resource('networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
];

const groups = [...new Set(kubeResources.map((r) => r.group))];

export function findResource(group: string, name: string): KubeResource | undefined {
  return kubeResources.find((r) => r.group === group && r.resource === name);
}

export const groupVersion = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);

export const AGGREGATED_DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Does the request accept the aggregated (v2) discovery document? */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return /g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(accept ?? '');
}

/** What a subresource answers with: its resource's kind, but an autoscaling/v1 Scale for `scale` (kubectl scale looks for it). */
const subresourceKind = (r: KubeResource, subresource: string) => (subresource === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: r.group, version: r.version, kind: r.kind });
const subresourceVerbs = (subresource: string) => (subresource === 'scale' || subresource === 'status' ? ['get', 'patch', 'update'] : ['get']);

function discoveryEntry(r: KubeResource) {
  const responseKind = { group: r.group, version: r.version, kind: r.kind };
  return {
    resource: r.resource,
    responseKind,
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length ? { subresources: r.subresources.map((s) => ({ subresource: s, responseKind: subresourceKind(r, s), verbs: subresourceVerbs(s) })) } : {}),
  };
}

/** `/api` (core = true) or `/apis` as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups
      .filter((g) => (g === '') === core)
      .map((g) => ({
        metadata: { name: g, creationTimestamp: null },
        versions: [{ version: 'v1', resources: kubeResources.filter((r) => r.group === g).map(discoveryEntry), freshness: 'Current' }],
      })),
  };
}

export function legacyApiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function legacyApiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups
      .filter((g) => g !== '')
      .map((g) => {
        const version = { groupVersion: `${g}/v1`, version: 'v1' };
        return { name: g, versions: [version], preferredVersion: version };
      }),
  };
}

/** `/api/v1` or `/apis/<group>/v1` as an APIResourceList, or undefined for a group not served. */
export function legacyResourceList(group: string) {
  const resources = kubeResources.filter((r) => r.group === group);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version: 'v1' }),
    resources: resources.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
        ...(r.categories.length ? { categories: r.categories } : {}),
      },
      ...r.subresources.map((s) => {
        const kind = subresourceKind(r, s);
        return { name: `${r.resource}/${s}`, singularName: '', namespaced: r.namespaced, ...(s === 'scale' ? { group: kind.group, version: kind.version } : {}), kind: s === 'log' ? 'Pod' : kind.kind, verbs: subresourceVerbs(s) };
      }),
    ]),
  };
}

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const OPENAPI_HASH = '0123456789ABCDEF';
const gvPath = (group: string) => (group ? `apis/${group}/v1` : 'api/v1');

/**
 * `/openapi/v3`: the index. kubectl apply only needs each kind's PATCH to declare `fieldValidation`,
 * so it lets the server validate instead of downloading schemas.
 */
export function openApiIndex() {
  return { paths: Object.fromEntries(groups.map((g) => [gvPath(g), { serverRelativeURL: `/openapi/v3/${gvPath(g)}?hash=${OPENAPI_HASH}` }])) };
}

const queryParameter = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/v1`: one PATCH operation per kind. */
export function openApiGroupVersion(path: string) {
  const group = groups.find((g) => gvPath(g) === path);
  if (group === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of kubeResources.filter((x) => x.group === group)) {
    const item = r.namespaced ? `/${path}/namespaces/{namespace}/${r.resource}/{name}` : `/${path}/${r.resource}/{name}`;
    paths[item] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        'x-kubernetes-action': 'patch',
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map(queryParameter),
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion }, paths, components: { schemas: {} } };
}
