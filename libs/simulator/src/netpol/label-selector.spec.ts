import { matchesSelector } from './label-selector';

describe('label selectors', () => {
  const labels = { app: 'db', tier: 'backend' };

  it('the empty selector matches everything, also a pod without labels', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: {}, matchExpressions: [] }, {})).toBe(true);
  });

  it('matchLabels needs every pair', () => {
    expect(matchesSelector({ matchLabels: { app: 'db' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'db', tier: 'front' } }, labels)).toBe(false);
  });

  it('In needs the key with one of the values', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'In', values: [''] }] }, labels)).toBe(false);
  });

  it('NotIn matches when the key is absent or has another value', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, labels)).toBe(false);
  });

  it('Exists and DoesNotExist look at the key only', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const selector = { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['front'] }] };
    expect(matchesSelector(selector, labels)).toBe(false);
  });

  it('an unknown operator matches nothing', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Near' as never }] }, labels)).toBe(false);
  });
});
