import type { LabState } from './types';

/**
 * `derive` remembered per lab and state version: asked again at the version it last saw, the lab gets
 * the same result; at another version it is derived afresh. Held weakly, so a dropped lab takes its
 * result with it.
 */
export function oncePerVersion<T>(derive: (state: LabState) => T): (state: LabState) => T {
  const cache = new WeakMap<LabState, { version: number; value: T }>();
  return (state) => {
    const cached = cache.get(state);
    if (cached && cached.version === state.version) return cached.value;
    const value = derive(state);
    cache.set(state, { version: state.version, value });
    return value;
  };
}
