import { endpointString } from './chain-names';
import type { EndpointInput } from './types';

/**
 * byEndpoint order: by "ip:port" string, lexicographically (so 10.244.1.10 before 10.244.1.5),
 * one entry per string, a non-terminating copy winning over a terminating one; with each kept
 * endpoint's "ip:port" at the same index.
 */
export function sortEndpointsWithTexts(endpoints: readonly EndpointInput[]): { sorted: EndpointInput[]; texts: string[] } {
  // Sorted by index over the "ip:port" texts: no Map and no [text, endpoint] pair per endpoint.
  const all = endpoints.map((endpoint) => endpointString(endpoint.ip, endpoint.port));
  const order = all.map((_, i) => i).sort((a, b) => (all[a] < all[b] ? -1 : all[a] > all[b] ? 1 : a - b));
  const sorted: EndpointInput[] = [];
  const texts: string[] = [];
  for (const i of order) {
    const endpoint = endpoints[i];
    if (all[i] !== texts[texts.length - 1]) {
      sorted.push(endpoint);
      texts.push(all[i]);
    } else if (sorted[sorted.length - 1].terminating && !endpoint.terminating) sorted[sorted.length - 1] = endpoint;
  }
  return { sorted, texts };
}

export function sortEndpoints(endpoints: readonly EndpointInput[]): EndpointInput[] {
  return sortEndpointsWithTexts(endpoints).sorted;
}

export interface Categorized {
  clusterEndpoints: EndpointInput[];
  localEndpoints: EndpointInput[];
  /** Endpoints that get a KUBE-SEP chain on this node: the union of the two lists, in sorted order. */
  reachableEndpoints: EndpointInput[];
  hasEndpoints: boolean;
}

/** `endpoints` itself when every one passes (no copy; callers may tell by identity). */
function allOrSome(endpoints: readonly EndpointInput[], passes: (endpoint: EndpointInput) => boolean): EndpointInput[] {
  const kept = endpoints.filter(passes);
  return kept.length === endpoints.length ? (endpoints as EndpointInput[]) : kept;
}

/** CategorizeEndpoints (pkg/proxy/topology.go) without topology hints; a list all of `endpoints` is `endpoints` itself. */
export function categorizeEndpoints(
  endpoints: readonly EndpointInput[],
  policy: { nodeName: string; usesCluster: boolean; usesLocal: boolean },
): Categorized {
  let clusterEndpoints: EndpointInput[] = [];
  let localEndpoints: EndpointInput[] = [];
  let hasEndpoints = false;
  if (policy.usesCluster) {
    clusterEndpoints = allOrSome(endpoints, (e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    hasEndpoints = clusterEndpoints.length > 0;
  }
  if (!policy.usesLocal) return { clusterEndpoints, localEndpoints, reachableEndpoints: clusterEndpoints, hasEndpoints };

  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    const local = e.nodeName === policy.nodeName;
    if (e.ready) {
      hasEndpoints = true;
      localReady ||= local;
    } else if (e.serving && e.terminating) {
      hasEndpoints = true;
      localServingTerminating ||= local;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.nodeName === policy.nodeName && e.ready);
  else if (localServingTerminating) localEndpoints = endpoints.filter((e) => e.nodeName === policy.nodeName && e.serving && e.terminating);
  if (!policy.usesCluster) return { clusterEndpoints, localEndpoints, reachableEndpoints: localEndpoints, hasEndpoints };

  const reachable = new Set([...clusterEndpoints, ...localEndpoints]);
  return { clusterEndpoints, localEndpoints, reachableEndpoints: endpoints.filter((e) => reachable.has(e)), hasEndpoints };
}
