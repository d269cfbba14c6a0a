import type { LabState } from '../cluster/types';
import { explainIptablesRecovery } from './explain';
import { simulateNode, type KubeletResynced, type KubeProxySynced } from './simulate-node';

/** The endpoint controller updated a Service's EndpointSlices after the event `seq`. */
export interface EndpointsUpdated {
  kind: 'derived';
  type: 'EndpointsUpdated';
  service: string;
  time: number;
  seq: number;
}

/**
 * The user's iptables command `seq` changed a node's tables: one sentence on when kube-proxy puts
 * its rules back and why (per kube-proxy version and what the command removed).
 */
export interface IptablesRecovery {
  kind: 'derived';
  type: 'IptablesRecovery';
  node: string;
  time: number;
  seq: number;
  explanation: string;
}

export type ControllerOccurrence = KubeProxySynced | KubeletResynced | EndpointsUpdated | IptablesRecovery;

/**
 * What the lab's controllers did in [fromTime, toTime) of lab time, in time order (then node name):
 * endpoint updates caused by events, every kube-proxy sync on every node, kubelet setting its
 * chains up again where the user deleted its canary, and after each iptables command of the user
 * a sentence on when the rules come back. `state` is the lab at
 * toTime. Nodes the user never changed are simulated without tables (their syncs cannot fail).
 */
export function controllerOccurrences(state: LabState, fromTime: number, toTime: number): ControllerOccurrence[] {
  const occurrences: ControllerOccurrence[] = [];
  const within = (time: number) => time >= fromTime && time < toTime;
  for (const change of state.proxy.changes) {
    if (change.kind === 'endpoints' && within(change.time)) {
      occurrences.push({ kind: 'derived', type: 'EndpointsUpdated', service: change.service, time: change.time, seq: change.seq });
    }
  }
  // Nodes the user never changed follow the same schedule when they started (and restarted) together.
  const schedules = new Map<string, (KubeProxySynced | KubeletResynced)[]>();
  for (const node of state.nodes.values()) {
    const log = state.proxy.nodes.get(node.name);
    if (log && log.mutations.length > 0) {
      for (const sync of simulateNode(state, node, toTime - 1, true).syncs) if (within(sync.time)) occurrences.push(sync);
      // The last command of an instant speaks for it (a pasted `iptables -F; iptables -X` gets one sentence).
      const explained = log.mutations.filter((m, i) => within(m.time) && log.mutations[i + 1]?.time !== m.time);
      for (const mutation of explained) {
        const explanation = explainIptablesRecovery(state, node.name, mutation.time);
        occurrences.push({ kind: 'derived', type: 'IptablesRecovery', node: node.name, time: mutation.time, seq: mutation.seq, explanation });
      }
      continue;
    }
    const key = `${node.createdAt}|${log?.restarts.join(',') ?? ''}`;
    let schedule = schedules.get(key);
    if (!schedule) schedules.set(key, (schedule = simulateNode(state, node, toTime - 1, false).syncs.filter((sync) => within(sync.time))));
    for (const sync of schedule) occurrences.push({ ...sync, node: node.name });
  }
  const rank = (o: ControllerOccurrence) => (o.type === 'EndpointsUpdated' ? 0 : o.type === 'IptablesRecovery' ? 1 : o.type === 'KubeletResynced' ? 2 : 3);
  const nodeOf = (o: ControllerOccurrence) => (o.type === 'EndpointsUpdated' ? '' : o.node);
  return occurrences.sort((a, b) => a.time - b.time || rank(a) - rank(b) || (nodeOf(a) < nodeOf(b) ? -1 : nodeOf(a) > nodeOf(b) ? 1 : 0));
}
