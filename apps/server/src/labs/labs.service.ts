import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { NewEvent, StoredEvent } from '@hoplab/events';
import { EventStore, type LabRecord, type TokenRole } from '@hoplab/event-store';
import { buildScenario } from '@hoplab/simulator/scenario';
import { hashToken, newToken, roles } from '../auth/tokens';
import { unprocessable } from '../problem/problem';
import { LabRuntime } from '../runtime/lab-runtime.service';
import type { CreateLabBody } from './lab.schemas';
import { resolveScenario, scenarioProblem } from '../scenarios/scenario-catalog';

export interface CreatedLab {
  id: string;
  name: string;
  version: number;
  tokens: Record<TokenRole, string>;
  parentLabId?: string;
  forkSeq?: number;
}

export interface LabView extends LabRecord {
  role: TokenRole;
}

@Injectable()
export class LabsService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
  ) {}

  async create(body: CreateLabBody): Promise<CreatedLab> {
    const events = initialEvents(body);
    return this.persist({ id: newLabId(), name: body.name }, events);
  }

  /** A new lab whose history is this lab's events up to `at`; the two evolve independently. */
  async fork(parent: LabRecord, at: number | undefined, name: string | undefined): Promise<CreatedLab> {
    const forkSeq = at ?? parent.version;
    if (forkSeq > parent.version) {
      throw unprocessable(`The fork point ${forkSeq} is beyond the lab's version ${parent.version}.`, [{ path: 'at', message: `must be at most ${parent.version}` }]);
    }
    const history = await this.store.readStream(parent.id, { to: forkSeq });
    const events = history.map(({ type, data, actor, time }): NewEvent => ({ type, data, actor, time }));
    return this.persist({ id: newLabId(), name: name ?? `${parent.name} (fork at ${forkSeq})`, parentLabId: parent.id, forkSeq }, events);
  }

  async listForToken(token: string): Promise<LabView[]> {
    const found = await this.store.labsForToken(hashToken(token));
    return found.map(({ lab, role }) => ({ ...lab, role }));
  }

  async remove(id: string): Promise<void> {
    await this.store.deleteLab(id);
    this.runtime.forget(id);
  }

  events(id: string, after: number, limit: number): Promise<StoredEvent[]> {
    return this.store.readStream(id, { from: after + 1, limit });
  }

  private async persist(lab: { id: string; name: string; parentLabId?: string; forkSeq?: number }, events: NewEvent[]): Promise<CreatedLab> {
    const tokens = Object.fromEntries(roles.map((role) => [role, newToken()])) as Record<TokenRole, string>;
    const tokenHashes = Object.fromEntries(roles.map((role) => [role, hashToken(tokens[role])])) as Record<TokenRole, string>;
    const { lab: record } = await this.store.createLab(lab, tokenHashes, events);
    return {
      id: record.id,
      name: record.name,
      version: record.version,
      tokens,
      ...(record.parentLabId ? { parentLabId: record.parentLabId, forkSeq: record.forkSeq ?? undefined } : {}),
    };
  }
}

/** The lab's first events: createLab, then the scenario's nodes, routers, files and steps (none without a scenario). */
function initialEvents(body: CreateLabBody): NewEvent[] {
  const parsed = resolveScenario(body.scenario ?? { name: body.name });
  try {
    const { events } = buildScenario(parsed, { name: body.name, cluster: body.cluster, actor: 'instructor' });
    return events.map(({ type, data, time }) => ({ type, data, time, actor: 'instructor' }));
  } catch (error) {
    throw scenarioProblem(error);
  }
}

function newLabId(): string {
  return randomBytes(8).toString('hex');
}
