import { findResource, type KubeResource } from './catalog';

export type KubePath =
  | { type: 'version' }
  | { type: 'discovery'; core: boolean }
  | { type: 'resource-list'; group: string }
  | { type: 'openapi-index' }
  | { type: 'openapi'; path: string }
  | { type: 'object'; resource: KubeResource; namespace?: string; name?: string; subresource?: string }
  | { type: 'unknown' };

/** Reads a Kubernetes API path (below the lab's prefix): which document or which objects it names. */
export function parseKubePath(path: string): KubePath {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, ...rest] = segments;
  if (first === 'version' && rest.length === 0) return { type: 'version' };
  if (first === 'openapi' && rest[0] === 'v3') return rest.length === 1 ? { type: 'openapi-index' } : { type: 'openapi', path: rest.slice(1).join('/') };
  let group: string;
  let tail: string[];
  if (first === 'api') {
    if (rest.length === 0) return { type: 'discovery', core: true };
    if (rest[0] !== 'v1') return { type: 'unknown' };
    group = '';
    tail = rest.slice(1);
  } else if (first === 'apis') {
    if (rest.length === 0) return { type: 'discovery', core: false };
    if (rest[1] !== 'v1') return { type: 'unknown' };
    group = rest[0];
    tail = rest.slice(2);
  } else return { type: 'unknown' };
  if (tail.length === 0) return { type: 'resource-list', group };
  let namespace: string | undefined;
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  const resource = findResource(group, tail[0]);
  if (!resource || tail.length > 3) return { type: 'unknown' };
  if (namespace !== undefined && !resource.namespaced) return { type: 'unknown' };
  return { type: 'object', resource, namespace, name: tail[1], subresource: tail[2] };
}
