/** An event about to be appended: the simulator's decision, not yet numbered. */
export interface NewEvent<D = unknown> {
  type: string;
  data: D;
  /** Who caused it: a token role and name, "system", "controller:kube-proxy"... */
  actor: string;
  /** Simulated lab time in milliseconds since the lab was created. */
  time: number;
}

/** An event as stored and served (API.md: `{ seq, type, version, data, actor, time, recordedAt }`). */
export interface StoredEvent<D = unknown> {
  labId: string;
  /** Per-lab sequence number, 1-based and gap-free. */
  seq: number;
  /** Position in the store-wide order, for catch-up across labs. */
  globalPosition: number;
  type: string;
  /** Schema version of `data`. */
  version: number;
  data: D;
  actor: string;
  time: number;
  /** Wall-clock ISO timestamp of the append; never read by the simulator. */
  recordedAt: string;
}
