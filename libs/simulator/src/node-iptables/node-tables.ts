import type { LabState, NodeState } from '../cluster/types';
import type { Netfilter } from '../iptables';
import { SimulatorError } from '../model/errors';
import { simulateNode, type NodeSimulation } from './simulate-node';

const CACHE_LIMIT = 8;
/** Per lab state object: simulations keyed by node, state version and time (a read asks several views in a row). */
const cache = new WeakMap<LabState, Map<string, NodeSimulation>>();

export function requireNode(state: LabState, name: string): NodeState {
  const node = state.nodes.get(name);
  if (!node) throw new SimulatorError('not-found', `nodes "${name}" not found`, 'node');
  return node;
}

/** The node's kube-proxy history with its tables, at `time` (default: the state's time). Do not change the result. */
export function nodeSimulation(state: LabState, nodeName: string, time = state.time): NodeSimulation {
  const node = requireNode(state, nodeName);
  let entries = cache.get(state);
  if (!entries) cache.set(state, (entries = new Map()));
  const key = `${nodeName}@${state.version}@${time}`;
  let simulation = entries.get(key);
  if (!simulation) {
    simulation = simulateNode(state, node, time, true);
    if (entries.size >= CACHE_LIMIT) entries.delete(entries.keys().next().value!);
    entries.set(key, simulation);
  }
  return simulation;
}

/**
 * A node's netfilter tables at `time`: boot + kube-proxy syncs + the user's iptables changes, in
 * order. Shared with the cache: clone it (cloneNetfilter) before changing it.
 */
export function nodeTables(state: LabState, nodeName: string, time = state.time): Netfilter {
  return nodeSimulation(state, nodeName, time).netfilter!;
}
