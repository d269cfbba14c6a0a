import { Inject, Injectable } from '@nestjs/common';
import { EventStore, type LabRecord, type TokenRole } from '@hoplab/event-store';
import { LabsNamespace, roomOf } from '../gateway/labs-namespace';
import type { LabSocketData } from '../gateway/handshake';
import { LabsService, type CreatedLab } from '../labs/labs.service';
import { conflict, notFound } from '../problem/problem';

export interface StudentFork {
  student: number;
  id: string;
  name: string;
  tokens: Record<TokenRole, string>;
}

const rosterColumns = 'student, fork_lab_id, name, instructor_token, student_token, observer_token';

/**
 * A template lab's classroom: one fork per student, each with its own tokens. The roster is the
 * store's classroom_forks table, so every instance lists the same forks, also after a restart. The
 * store keeps lab tokens only hashed; the roster keeps the forks' tokens in clear because handing them
 * out is its purpose, and only the template's instructor can read it.
 */
@Injectable()
export class ClassroomService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LabsService) private readonly labs: LabsService,
    @Inject(LabsNamespace) private readonly namespace: LabsNamespace,
  ) {}

  async open(template: LabRecord, students: number): Promise<StudentFork[]> {
    const forks: StudentFork[] = [];
    for (let i = 0; i < students; i++) forks.push(await this.addStudent(template));
    return forks;
  }

  async list(templateId: string): Promise<StudentFork[]> {
    const rows = await this.store.execute(`SELECT ${rosterColumns} FROM classroom_forks WHERE template_lab_id = ? ORDER BY student`, [templateId]);
    return rows.map(toFork);
  }

  /**
   * Replaces a student's fork with a new fork of the template as it is now, and deletes the old one.
   * Clients connected to the old fork get `reset` { lab, token } with the token of their own role, then are disconnected.
   */
  async reset(template: LabRecord, forkId: string): Promise<StudentFork & { replaced: string }> {
    const old = (await this.list(template.id)).find((fork) => fork.id === forkId);
    if (!old) throw notFound(`Lab ${forkId} is not a student fork of ${template.id}.`);
    const fresh = { student: old.student, ...(await this.labs.fork(template, undefined, old.name)) };
    // Only if the roster still names the old fork: another instance may have reset it meanwhile.
    await this.store.execute(
      'UPDATE classroom_forks SET fork_lab_id = ?, instructor_token = ?, student_token = ?, observer_token = ? WHERE template_lab_id = ? AND student = ? AND fork_lab_id = ?',
      [fresh.id, fresh.tokens.instructor, fresh.tokens.student, fresh.tokens.observer, template.id, old.student, old.id],
    );
    if (!(await this.list(template.id)).some((fork) => fork.id === fresh.id)) {
      await this.labs.remove(fresh.id);
      throw conflict(`Student ${old.student}'s fork was reset by someone else at the same time; nothing was changed by this request.`);
    }
    const room = this.namespace.namespace.in(roomOf(old.id));
    for (const socket of await room.fetchSockets()) {
      socket.emit('reset', { lab: fresh.id, token: fresh.tokens[(socket.data as LabSocketData).role] });
    }
    room.disconnectSockets(true);
    await this.labs.remove(old.id);
    return { ...toStudentFork(old.student, fresh), replaced: old.id };
  }

  /** Forks the template for the next student number; the roster's primary key settles a race between two instances. */
  private async addStudent(template: LabRecord): Promise<StudentFork> {
    const [{ next }] = await this.store.execute('SELECT COALESCE(MAX(student), 0) + 1 AS next FROM classroom_forks WHERE template_lab_id = ?', [template.id]);
    const fork = toStudentFork(Number(next), await this.labs.fork(template, undefined, `${template.name} / student ${Number(next)}`));
    try {
      await this.store.execute(`INSERT INTO classroom_forks (template_lab_id, ${rosterColumns}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        template.id,
        fork.student,
        fork.id,
        fork.name,
        fork.tokens.instructor,
        fork.tokens.student,
        fork.tokens.observer,
      ]);
    } catch (error) {
      await this.labs.remove(fork.id);
      if ((await this.list(template.id)).some((taken) => taken.student === fork.student)) {
        throw conflict(`Student number ${fork.student} of lab ${template.id} was taken by another request at the same time; the forks made before it are kept. Try again.`);
      }
      throw error;
    }
    return fork;
  }
}

function toStudentFork(student: number, created: CreatedLab): StudentFork {
  return { student, id: created.id, name: created.name, tokens: created.tokens };
}

function toFork(row: Record<string, unknown>): StudentFork {
  return {
    student: Number(row.student),
    id: String(row.fork_lab_id),
    name: String(row.name),
    tokens: { instructor: String(row.instructor_token), student: String(row.student_token), observer: String(row.observer_token) },
  };
}
