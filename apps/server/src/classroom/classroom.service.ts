import { Inject, Injectable } from '@nestjs/common';
import type { LabRecord, TokenRole } from '@hoplab/event-store';
import { LabsNamespace, roomOf } from '../gateway/labs-namespace';
import type { LabSocketData } from '../gateway/handshake';
import { LabsService, type CreatedLab } from '../labs/labs.service';
import { notFound } from '../problem/problem';

export interface StudentFork {
  student: number;
  id: string;
  name: string;
  tokens: Record<TokenRole, string>;
}

/**
 * A template lab's classroom: one fork per student, each with its own tokens. The roster lives in
 * this instance's memory (the store keeps the forks themselves; tokens are only stored hashed).
 */
@Injectable()
export class ClassroomService {
  private readonly rosters = new Map<string, StudentFork[]>();

  constructor(
    @Inject(LabsService) private readonly labs: LabsService,
    @Inject(LabsNamespace) private readonly namespace: LabsNamespace,
  ) {}

  async open(template: LabRecord, students: number): Promise<StudentFork[]> {
    const roster = this.rosters.get(template.id) ?? [];
    this.rosters.set(template.id, roster);
    const first = roster.length + 1;
    for (let student = first; student < first + students; student++) {
      roster.push(toFork(student, await this.labs.fork(template, undefined, `${template.name} / student ${student}`)));
    }
    return roster.slice(first - 1);
  }

  list(templateId: string): StudentFork[] {
    return this.rosters.get(templateId) ?? [];
  }

  /**
   * Replaces a student's fork with a new fork of the template as it is now, and deletes the old one.
   * Clients connected to the old fork get `reset` { lab, token } with the token of their own role, then are disconnected.
   */
  async reset(template: LabRecord, forkId: string): Promise<StudentFork & { replaced: string }> {
    const roster = this.list(template.id);
    const index = roster.findIndex((fork) => fork.id === forkId);
    if (index === -1) throw notFound(`Lab ${forkId} is not a student fork of ${template.id}.`);
    const old = roster[index];
    const fresh = toFork(old.student, await this.labs.fork(template, undefined, old.name));
    roster[index] = fresh;
    const room = this.namespace.namespace.in(roomOf(old.id));
    for (const socket of await room.fetchSockets()) {
      socket.emit('reset', { lab: fresh.id, token: fresh.tokens[(socket.data as LabSocketData).role] });
    }
    room.disconnectSockets(true);
    await this.labs.remove(old.id);
    return { ...fresh, replaced: old.id };
  }
}

function toFork(student: number, created: CreatedLab): StudentFork {
  return { student, id: created.id, name: created.name, tokens: created.tokens };
}
