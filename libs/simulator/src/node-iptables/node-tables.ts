import type { LabState, NodeState } from '../cluster/types';
import type { Netfilter } from '../iptables';
import { SimulatorError } from '../model/errors';
import { NodeKubeProxy, type NodeSimulation } from './simulate-node';

const CACHE_LIMIT = 8;
/** Per lab state object: simulations keyed by node, state version and time (a read asks several views in a row). */
const cache = new WeakMap<LabState, Map<string, NodeSimulation>>();
/** Per lab state object and node: the latest run, extended in place by later reads when that is exact. */
const runs = new WeakMap<LabState, Map<string, NodeKubeProxy>>();

export function requireNode(state: LabState, name: string): NodeState {
  const node = state.nodes.get(name);
  if (!node) throw new SimulatorError('not-found', `nodes "${name}" not found`, 'node');
  return node;
}

function simulate(state: LabState, node: NodeState, time: number, entries: Map<string, NodeSimulation>): NodeSimulation {
  let byNode = runs.get(state);
  if (!byNode) runs.set(state, (byNode = new Map()));
  const previous = byNode.get(node.name);
  if (previous && previous.canExtend(state, time)) {
    // The tables change in place: views of the older version of this node are dropped from the cache.
    for (const [key, simulation] of entries) if (key.startsWith(`${node.name}@`) && simulation.netfilter) entries.delete(key);
    return previous.run(state, time);
  }
  const run = new NodeKubeProxy(state, node, true);
  byNode.set(node.name, run);
  return run.run(state, time);
}

/**
 * The node's kube-proxy history with its tables, at `time` (default: the state's time). Do not
 * change the result; it stays valid until a read of the same node at a later state version.
 */
export function nodeSimulation(state: LabState, nodeName: string, time = state.time): NodeSimulation {
  const node = requireNode(state, nodeName);
  let entries = cache.get(state);
  if (!entries) cache.set(state, (entries = new Map()));
  const key = `${nodeName}@${state.version}@${time}`;
  let simulation = entries.get(key);
  if (!simulation) {
    simulation = simulate(state, node, time, entries);
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
