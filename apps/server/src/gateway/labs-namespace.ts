import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/** The socket.io room of a lab: every client of the lab, on every instance. */
export function roomOf(labId: string): string {
  return `lab:${labId}`;
}

/** The part of a lab's room that takes its live messages one by one, or in batches (handshake `batch: true`). */
export function deliveryRoomOf(labId: string, batched: boolean): string {
  return `lab:${labId}:${batched ? 'batches' : 'singles'}`;
}

/** The `/labs` namespace, once the gateway has been initialised; services that broadcast read it here. */
@Injectable()
export class LabsNamespace {
  private current?: Namespace;

  bind(namespace: Namespace): void {
    this.current = namespace;
  }

  get namespace(): Namespace {
    if (!this.current) throw new Error('the /labs namespace is not initialised yet');
    return this.current;
  }
}
