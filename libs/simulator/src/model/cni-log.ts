import type { CniCall } from '@hoplab/events';
import type { CniLogEntry, NodeState } from '../cluster/types';

/** How many CNI calls a node keeps for `what did the runtime ask`. */
export const CNI_LOG_LIMIT = 32;

/**
 * An entry of a state restored from a snapshot: snapshots keep only when and by which event each call
 * was made (the calls were most of a large lab's snapshot), so its call is rebuilt by replaying that event.
 */
class RestoredCniCall implements CniLogEntry {
  constructor(
    readonly time: number,
    readonly seq: number,
  ) {}

  get call(): CniCall {
    throw new Error(
      `the CNI call of event ${this.seq} is not in this state: it was restored from a snapshot, which keeps only the seqs of logged calls (replay from before oldestRestoredCniCall(state) to get it)`,
    );
  }
}

/** Appends a call to the node's bounded log: a stored call, or one derived when read (pod-cni-calls.ts). */
export function logCniCall(node: NodeState, entry: CniLogEntry): void {
  node.cniLog.push(entry);
  if (node.cniLog.length > CNI_LOG_LIMIT) node.cniLog.shift();
}

/** The log as a snapshot stores it: when and by which event, without the calls, flat ([time, seq, time, seq...]: one array to parse, not 32 objects). */
export function cniLogForSnapshot(log: CniLogEntry[]): number[] {
  const flat = new Array<number>(log.length * 2);
  for (let i = 0; i < log.length; i++) {
    flat[2 * i] = log[i].time;
    flat[2 * i + 1] = log[i].seq;
  }
  return flat;
}

export function restoreCniLog(flat: number[]): CniLogEntry[] {
  const log = new Array<CniLogEntry>(flat.length / 2);
  for (let i = 0; i < log.length; i++) log[i] = new RestoredCniCall(flat[2 * i], flat[2 * i + 1]);
  return log;
}

/** The seq of the oldest logged call the state lacks because it came from a snapshot; undefined when every call is there. */
export function oldestRestoredCniCall(state: { nodes: Map<string, NodeState> }): number | undefined {
  let oldest: number | undefined;
  for (const node of state.nodes.values()) {
    for (const entry of node.cniLog) {
      if (entry instanceof RestoredCniCall && (oldest === undefined || entry.seq < oldest)) oldest = entry.seq;
    }
  }
  return oldest;
}
