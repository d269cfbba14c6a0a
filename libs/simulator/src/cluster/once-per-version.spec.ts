import { initialState } from '../model/state';
import { oncePerVersion } from './once-per-version';

describe('oncePerVersion', () => {
  it('derives once per lab and version: the same result again at that version, a fresh one at another, each lab its own', () => {
    let derived = 0;
    const counter = oncePerVersion((state) => ({ version: state.version, nth: ++derived }));
    const lab = initialState();
    const other = initialState();
    const first = counter(lab);
    expect(counter(lab)).toBe(first);
    expect(counter(other)).toEqual({ version: other.version, nth: 2 });
    lab.version += 1;
    expect(counter(lab)).toEqual({ version: lab.version, nth: 3 });
    expect(counter(lab)).toEqual({ version: lab.version, nth: 3 });
    expect(derived).toBe(3);
  });
});
