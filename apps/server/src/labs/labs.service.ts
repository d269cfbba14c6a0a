import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { clusterSpecSchema, type StoredEvent } from '@hoplab/events';
import { EventStore, type LabRecord, type TokenRole } from '@hoplab/event-store';
import { hashToken, newToken, roles } from '../auth/tokens';
import { unprocessable } from '../problem/problem';
import type { CreateLabBody } from './lab.schemas';

export interface CreatedLab {
  id: string;
  name: string;
  version: number;
  tokens: Record<TokenRole, string>;
}

export interface LabView extends LabRecord {
  role: TokenRole;
}

@Injectable()
export class LabsService {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async create(body: CreateLabBody): Promise<CreatedLab> {
    if (body.scenario !== undefined) {
      throw unprocessable(`Scenario ${JSON.stringify(body.scenario)} is not available: no built-in scenario exists yet.`, [
        { path: 'scenario', message: 'unknown scenario' },
      ]);
    }
    const cluster = body.cluster ?? clusterSpecSchema.parse({});
    const tokens = Object.fromEntries(roles.map((role) => [role, newToken()])) as Record<TokenRole, string>;
    const tokenHashes = Object.fromEntries(roles.map((role) => [role, hashToken(tokens[role])])) as Record<TokenRole, string>;
    const { lab } = await this.store.createLab({ id: newLabId(), name: body.name }, tokenHashes, [
      { type: 'LabCreated', data: { name: body.name, cluster }, actor: 'instructor', time: 0 },
    ]);
    return { id: lab.id, name: lab.name, version: lab.version, tokens };
  }

  async listForToken(token: string): Promise<LabView[]> {
    const found = await this.store.labsForToken(hashToken(token));
    return found.map(({ lab, role }) => ({ ...lab, role }));
  }

  async remove(id: string): Promise<void> {
    await this.store.deleteLab(id);
  }

  events(id: string, after: number, limit: number): Promise<StoredEvent[]> {
    return this.store.readStream(id, { from: after + 1, limit });
  }
}

function newLabId(): string {
  return randomBytes(8).toString('hex');
}
