import { z } from 'zod';
import type { ShellStack } from '@hoplab/simulator/shell';
import type { EventStore, TokenRole } from '@hoplab/event-store';
import { hashToken } from '../auth/tokens';
import { notFound, unauthorized, unprocessable } from '../problem/problem';
import { parseOrThrow } from '../validation/zod-body';

export interface LabMember {
  id: string;
  name: string;
  role: TokenRole;
}

/** What the server knows of a socket once its handshake passed (socket.data). */
export interface LabSocketData {
  labId: string;
  role: TokenRole;
  member: LabMember;
  /** Replay the events after this seq before streaming live; undefined: live only. */
  after?: number;
  /** The client takes its live messages in `batch` messages (see LabOutbox). */
  batch?: boolean;
  /** This client's lab-shell contexts (workstation → node → pod ...); absent until its first `exec`. */
  shell?: ShellStack;
}

const handshakeSchema = z.object({
  token: z.string().min(1).max(256),
  lab: z.string().min(1).max(128),
  after: z.number().int().min(0).optional(),
  name: z.string().min(1).max(64).optional(),
  batch: z.boolean().optional(),
});

/** Validates `auth: { token, lab, after?, name?, batch? }` the way LabAuthGuard validates a REST call. */
export async function authenticate(store: EventStore, auth: unknown, socketId: string): Promise<LabSocketData> {
  const { token, lab: labId, after, name, batch } = parseOrThrow(handshakeSchema, auth ?? {}, 'handshake auth');
  const lab = await store.getLab(labId);
  if (!lab) throw notFound(`There is no lab ${labId}.`);
  const role = await store.roleOf(labId, hashToken(token));
  if (!role) throw unauthorized(`The token is not valid for lab ${labId}.`);
  if (after !== undefined && after > lab.version) {
    throw unprocessable(`after=${after} is beyond the lab's version ${lab.version}.`, [{ path: 'after', message: `must be at most ${lab.version}` }]);
  }
  return { labId, role, member: { id: socketId, name: name ?? role, role }, after, batch };
}
