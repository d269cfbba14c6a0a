export { EventStore, type ReplayEvent } from './event-store';
export { LabAlreadyExistsError, StoreUnavailableError, VersionConflictError } from './errors';
export type { LabRecord, SnapshotRecord, TokenRole } from './records';
export { tokenRoles } from './records';
export { SerialQueue } from './serial-queue';
