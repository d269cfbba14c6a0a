/** The stream's last seq was not the one the caller expected; nothing was written. */
export class VersionConflictError extends Error {
  constructor(
    readonly labId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`lab ${labId} is at version ${actual}, expected ${expected}`);
    this.name = 'VersionConflictError';
  }
}

/** The database cannot be reached (or the store is closed); the server answers 503. */
export class StoreUnavailableError extends Error {
  constructor(message = 'event store unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** createLab with an id that is already taken; nothing was written. */
export class LabAlreadyExistsError extends Error {
  constructor(readonly labId: string) {
    super(`lab ${labId} already exists`);
    this.name = 'LabAlreadyExistsError';
  }
}
