import { parseKubePath } from './request-path';

describe('Kubernetes API paths', () => {
  it('names documents', () => {
    expect(parseKubePath('/version')).toEqual({ type: 'version' });
    expect(parseKubePath('/api')).toEqual({ type: 'discovery', core: true });
    expect(parseKubePath('/apis')).toEqual({ type: 'discovery', core: false });
    expect(parseKubePath('/apis/apps/v1')).toEqual({ type: 'resource-list', group: 'apps' });
    expect(parseKubePath('/openapi/v3')).toEqual({ type: 'openapi-index' });
    expect(parseKubePath('/openapi/v3/apis/networking.k8s.io/v1')).toEqual({ type: 'openapi', path: 'apis/networking.k8s.io/v1' });
  });

  it('names collections, objects and subresources, namespaced or not', () => {
    const pods = parseKubePath('/api/v1/namespaces/default/pods/db/log');
    expect(pods).toMatchObject({ type: 'object', namespace: 'default', name: 'db', subresource: 'log', resource: { resource: 'pods' } });
    expect(parseKubePath('/api/v1/pods')).toMatchObject({ type: 'object', namespace: undefined, name: undefined, resource: { resource: 'pods' } });
    expect(parseKubePath('/api/v1/namespaces/kube-system')).toMatchObject({ type: 'object', namespace: undefined, name: 'kube-system', resource: { resource: 'namespaces' } });
    expect(parseKubePath('/apis/networking.k8s.io/v1/namespaces/default/networkpolicies')).toMatchObject({ type: 'object', namespace: 'default', resource: { kind: 'NetworkPolicy' } });
  });

  it('does not know other groups, versions or a namespaced path to a cluster-scoped kind', () => {
    expect(parseKubePath('/apis/batch/v1/jobs')).toEqual({ type: 'unknown' });
    expect(parseKubePath('/api/v2/pods')).toEqual({ type: 'unknown' });
    expect(parseKubePath('/api/v1/namespaces/default/nodes')).toEqual({ type: 'unknown' });
    expect(parseKubePath('/healthz')).toEqual({ type: 'unknown' });
  });
});
