import { jsonPatch, mergePatch, strategicMergePatch } from './patch';

describe('JSON merge patch', () => {
  it('adds, replaces and deletes keys, replacing lists whole', () => {
    expect(mergePatch({ metadata: { labels: { a: '1', b: '2' } }, list: [1, 2] }, { metadata: { labels: { a: null, c: '3' } }, list: [3] })).toEqual({
      metadata: { labels: { b: '2', c: '3' } },
      list: [3],
    });
  });
});

describe('strategic merge patch', () => {
  const live = {
    metadata: { labels: { app: 'web', tier: 'front' } },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }, { containerPort: 443 }] },
        { name: 'sidecar', image: 'busybox' },
      ],
    },
  };

  it('applies the body kubectl apply sent in the reference (smp-2): merge keys, $patch delete, null', () => {
    const patch = {
      metadata: { labels: { tier: null } },
      spec: {
        '$setElementOrder/containers': [{ name: 'nginx' }],
        containers: [
          { '$setElementOrder/ports': [{ containerPort: 80 }], image: 'nginx:1.27', name: 'nginx', ports: [{ $patch: 'delete', containerPort: 443 }] },
          { $patch: 'delete', name: 'sidecar' },
        ],
      },
    };
    expect(strategicMergePatch(live, patch)).toEqual({
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    });
  });

  it('replaces lists without a merge key (NetworkPolicy ingress) and merges rollout restart annotations', () => {
    const policy = { spec: { ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 80 }] }] } };
    expect(strategicMergePatch(policy, { spec: { ingress: [{ ports: [{ port: 5432 }] }] } })).toEqual({ spec: { ingress: [{ ports: [{ port: 5432 }] }] } });
    const ds = { spec: { template: { metadata: { labels: { app: 'flannel' } } } } };
    expect(strategicMergePatch(ds, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } } })).toEqual({
      spec: { template: { metadata: { labels: { app: 'flannel' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } },
    });
  });

  it('adds new list items by merge key and honours $patch: replace and $deleteFromPrimitiveList', () => {
    expect(strategicMergePatch({ env: [{ name: 'A', value: '1' }] }, { env: [{ name: 'B', value: '2' }, { name: 'A', value: '3' }] })).toEqual({
      env: [
        { name: 'A', value: '3' },
        { name: 'B', value: '2' },
      ],
    });
    expect(strategicMergePatch({ data: { a: '1', b: '2' } }, { data: { $patch: 'replace', c: '3' } })).toEqual({ data: { c: '3' } });
    expect(strategicMergePatch({ finalizers: ['a', 'b'] }, { '$deleteFromPrimitiveList/finalizers': ['a'] })).toEqual({ finalizers: ['b'] });
  });

  it('leaves the live object untouched', () => {
    const before = JSON.stringify(live);
    strategicMergePatch(live, { metadata: { labels: { app: null } } });
    expect(JSON.stringify(live)).toBe(before);
  });
});

describe('JSON patch', () => {
  it('adds, replaces, removes, moves and tests', () => {
    const doc = { metadata: { labels: { a: '1' } }, spec: { list: [1, 3] } };
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
        { op: 'replace', path: '/metadata/labels/a', value: 'x' },
        { op: 'add', path: '/spec/list/1', value: 2 },
        { op: 'add', path: '/spec/list/-', value: 4 },
        { op: 'test', path: '/spec/list/0', value: 1 },
        { op: 'move', from: '/metadata/labels/a', path: '/metadata/labels/z' },
        { op: 'remove', path: '/spec/list/0' },
      ]),
    ).toEqual({ metadata: { labels: { 'b/c': '2', z: 'x' } }, spec: { list: [2, 3, 4] } });
  });

  it('fails on a missing path or a failed test', () => {
    expect(() => jsonPatch({}, [{ op: 'replace', path: '/a', value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow();
  });
});
