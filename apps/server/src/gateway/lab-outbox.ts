import { Inject, Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { deliveryRoomOf, LabsNamespace } from './labs-namespace';

/** A message as a batch carries it: [name, payload], exactly what the single message would be. */
export type BatchItem = [name: string, payload: unknown];

interface Pending {
  /** For this instance's clients only. */
  local: BatchItem[];
  /** For the lab's clients on every instance. */
  everywhere: BatchItem[];
}

/**
 * The live messages of a lab's room (`event`, `hop`, `trace`, `derived`) leave through here. Clients
 * that take them one by one get each at once. Clients that asked for batches get everything the room
 * was sent in one turn of the event loop as one `batch` message, in order: a burst of appends costs
 * each of them one WebSocket frame (and one decode) per turn instead of one per event, which is what
 * lets a room of 1,000 keep up with a burst. socket.io encodes each broadcast once for the whole room.
 */
@Injectable()
export class LabOutbox {
  private readonly pending = new Map<string, Pending>();

  constructor(@Inject(LabsNamespace) private readonly labs: LabsNamespace) {}

  /** To this instance's clients of the lab (each instance delivers the lab's events to its own clients). */
  sendLocal(labId: string, name: string, payload: unknown): void {
    const namespace = this.labs.namespace;
    const singles = deliveryRoomOf(labId, false);
    if (hasLocalMembers(namespace, singles)) namespace.local.to(singles).emit(name, payload);
    if (hasLocalMembers(namespace, deliveryRoomOf(labId, true))) this.pendingOf(labId).local.push([name, payload]);
  }

  /** To the lab's clients on every instance. */
  sendEverywhere(labId: string, name: string, payload: unknown): void {
    this.labs.namespace.to(deliveryRoomOf(labId, false)).emit(name, payload);
    this.pendingOf(labId).everywhere.push([name, payload]);
  }

  /** Sends the lab's pending batch now (a client joining must not receive what was sent before it joined). */
  flush(labId: string): void {
    const pending = this.pending.get(labId);
    if (!pending) return;
    this.pending.delete(labId);
    const namespace = this.labs.namespace;
    const batches = deliveryRoomOf(labId, true);
    if (pending.local.length > 0) namespace.local.to(batches).emit('batch', pending.local);
    if (pending.everywhere.length > 0) namespace.to(batches).emit('batch', pending.everywhere);
  }

  private pendingOf(labId: string): Pending {
    let pending = this.pending.get(labId);
    if (!pending) {
      pending = { local: [], everywhere: [] };
      this.pending.set(labId, pending);
      setImmediate(() => this.flush(labId));
    }
    return pending;
  }
}

function hasLocalMembers(namespace: Namespace, room: string): boolean {
  return (namespace.adapter.rooms.get(room)?.size ?? 0) > 0;
}
