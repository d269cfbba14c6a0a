import type { TokenRole } from '@hoplab/event-store';
import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  const lookups: string[] = [];
  const store: Record<string, TokenRole> = { 'lab-a t1': 'student', 'lab-a t2': 'observer', 'lab-b t1': 'instructor' };
  const lookup = (lab: string, token: string) => async () => {
    lookups.push(`${lab} ${token}`);
    return store[`${lab} ${token}`] ?? null;
  };
  beforeEach(() => (lookups.length = 0));

  it('looks a (lab, token) pair up once, and each pair separately', async () => {
    const verified = new VerifiedTokens();
    expect(await verified.roleOf('lab-a', 't1', lookup('lab-a', 't1'))).toBe('student');
    expect(await verified.roleOf('lab-a', 't1', lookup('lab-a', 't1'))).toBe('student');
    expect(await verified.roleOf('lab-a', 't2', lookup('lab-a', 't2'))).toBe('observer');
    expect(await verified.roleOf('lab-b', 't1', lookup('lab-b', 't1'))).toBe('instructor');
    expect(lookups).toEqual(['lab-a t1', 'lab-a t2', 'lab-b t1']);
  });

  it('does not remember a token that was refused', async () => {
    const verified = new VerifiedTokens();
    expect(await verified.roleOf('lab-b', 't2', lookup('lab-b', 't2'))).toBeNull();
    expect(await verified.roleOf('lab-b', 't2', lookup('lab-b', 't2'))).toBeNull();
    expect(lookups).toEqual(['lab-b t2', 'lab-b t2']);
  });

  it('starts over when it is full, so that it stays bounded', async () => {
    const verified = new VerifiedTokens();
    await verified.roleOf('lab-a', 't1', lookup('lab-a', 't1'));
    for (let i = 0; i < 10_000; i++) await verified.roleOf(`lab-${i}`, 't', async () => 'student');
    await verified.roleOf('lab-a', 't1', lookup('lab-a', 't1'));
    expect(lookups).toEqual(['lab-a t1', 'lab-a t1']);
  });
});
