import type { LabState } from '../cluster/types';

/**
 * Pod keys by "namespace/key=value" label: a Service's selector only needs the pods of its rarest
 * label. Built on first use per state object, then kept up to date by evolve (evolveServices), so
 * a new state version costs nothing (100,000 pods).
 */
const indexes = new WeakMap<LabState, Map<string, Set<string>>>();

const labelKey = (namespace: string, key: string, value: string) => `${namespace}/${key}=${value}`;

function add(index: Map<string, Set<string>>, namespace: string, name: string, labels: Record<string, string>): void {
  for (const key in labels) {
    const label = labelKey(namespace, key, labels[key]);
    let pods = index.get(label);
    if (!pods) index.set(label, (pods = new Set()));
    pods.add(`${namespace}/${name}`);
  }
}

export function podLabelIndex(state: LabState): Map<string, Set<string>> {
  let index = indexes.get(state);
  if (!index) {
    index = new Map();
    for (const pod of state.pods.values()) add(index, pod.namespace, pod.name, pod.labels);
    indexes.set(state, index);
  }
  return index;
}

export function hasPodLabelIndex(state: LabState): boolean {
  return indexes.has(state);
}

export function indexPod(state: LabState, namespace: string, name: string, labels: Record<string, string>): void {
  const index = indexes.get(state);
  if (index) add(index, namespace, name, labels);
}

export function unindexPod(state: LabState, namespace: string, name: string, labels: Record<string, string>): void {
  const index = indexes.get(state);
  if (!index) return;
  for (const key in labels) {
    const label = labelKey(namespace, key, labels[key]);
    const pods = index.get(label);
    pods?.delete(`${namespace}/${name}`);
    if (pods?.size === 0) index.delete(label);
  }
}

/** Keys of the pods carrying the selector's rarest label (a superset of the selected pods). */
export function podsWithLabels(state: LabState, namespace: string, selector: Record<string, string>): ReadonlySet<string> {
  const index = podLabelIndex(state);
  let best: ReadonlySet<string> | undefined;
  for (const key in selector) {
    const pods = index.get(labelKey(namespace, key, selector[key]));
    if (!pods) return new Set();
    if (!best || pods.size < best.size) best = pods;
  }
  return best ?? new Set();
}
