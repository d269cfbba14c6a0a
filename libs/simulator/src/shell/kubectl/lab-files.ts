import type { LabState } from '../../cluster/types';

/**
 * A file of the lab's file store by the name a command gives: the exact name, else the last
 * path segment (`kubectl apply -f /Users/me/network-policy/deny-all.yaml` finds `deny-all.yaml`).
 */
export function readLabFile(state: LabState, path: string): string | undefined {
  const exact = state.files.get(path) ?? state.files.get(path.replace(/^\.\//, ''));
  if (exact !== undefined) return exact;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base ? state.files.get(base) : undefined;
}
