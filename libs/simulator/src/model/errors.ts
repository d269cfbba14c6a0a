import type { CniCall } from '@hoplab/events';

export type SimulatorErrorCode = 'invalid' | 'not-found' | 'conflict' | 'exhausted';

/** A command the lab refuses; decide() decided nothing. API: invalid 422/400, not-found 404, conflict and exhausted 409. */
export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    /** The offending field of the command, e.g. "podCIDR" or "containers.0.name". */
    readonly path?: string,
    /** The failed CNI call, when the refusal comes from the plugin (exhausted range, pinned address). */
    readonly cni?: CniCall,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}
