import { fieldSelector, labelSelector } from './selectors';

describe('label selectors', () => {
  it('matches equality, inequality, set and existence requirements together', () => {
    const select = labelSelector('app=db,tier!=front,env in (prod, stage),team,!legacy');
    expect(select({ app: 'db', env: 'prod', team: 'x' })).toBe(true);
    expect(select({ app: 'db', env: 'dev', team: 'x' })).toBe(false);
    expect(select({ app: 'db', env: 'prod', team: 'x', tier: 'front' })).toBe(false);
    expect(select({ app: 'db', env: 'prod' })).toBe(false);
    expect(select({ app: 'db', env: 'prod', team: 'x', legacy: '' })).toBe(false);
  });

  it('treats a missing label as not equal, and notin as satisfied by absence', () => {
    expect(labelSelector('a!=b')({})).toBe(true);
    expect(labelSelector('a=b')({})).toBe(false);
    expect(labelSelector('a notin (b)')({})).toBe(true);
    expect(labelSelector('')({})).toBe(true);
  });

  it('refuses what it cannot parse with a 400 Status', () => {
    expect(() => labelSelector('a in b')).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest' }));
  });
});

describe('field selectors', () => {
  const event = { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { name: 'db', kind: 'Pod', uid: 'u1' } };

  it('matches dotted fields as describe sends them', () => {
    expect(fieldSelector('involvedObject.name=db,involvedObject.namespace=default,involvedObject.uid=u1')({ ...event, involvedObject: { ...event.involvedObject, namespace: 'default' } })).toBe(true);
    expect(fieldSelector('involvedObject.name=app')(event)).toBe(false);
    expect(fieldSelector('metadata.name==e1')(event)).toBe(true);
    expect(fieldSelector('metadata.name!=e1')(event)).toBe(false);
  });

  it('compares absent fields as empty strings', () => {
    expect(fieldSelector('spec.nodeName=')({})).toBe(true);
    expect(fieldSelector('spec.nodeName!=')({})).toBe(false);
  });
});
