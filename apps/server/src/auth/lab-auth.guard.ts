import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { EventStore, type LabRecord, type TokenRole } from '@hoplab/event-store';
import { forbidden, notFound, unauthorized } from '../problem/problem';
import { bearerToken, hashToken } from './tokens';
import { VerifiedTokens } from './verified-tokens';

const ALLOWED_ROLES = 'hoplab:allowed-roles';
/** Restricts a lab-scoped route to these roles; without it every role of the lab may call it. */
export const AllowRoles = (...allowed: TokenRole[]) => SetMetadata(ALLOWED_ROLES, allowed);

export interface LabAccess {
  lab: LabRecord;
  role: TokenRole;
}

export type LabRequest = FastifyRequest<{ Params: Record<string, string> }> & { labAccess: LabAccess };

/** Resolves `:lab` and the bearer token into the caller's role, before any handler runs. */
@Injectable()
export class LabAuthGuard implements CanActivate {
  private readonly verified = new VerifiedTokens();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LabRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized('This call needs an Authorization: Bearer <token> header.');
    const labId = String(request.params.lab);
    const lab = await this.store.getLab(labId);
    if (!lab) throw notFound(`There is no lab ${labId}.`);
    const role = await this.verified.roleOf(labId, token, () => this.store.roleOf(labId, hashToken(token)));
    if (!role) throw unauthorized(`The token is not valid for lab ${labId}.`);
    const allowed = this.reflector.getAllAndOverride<TokenRole[] | undefined>(ALLOWED_ROLES, [context.getHandler(), context.getClass()]);
    if (allowed && !allowed.includes(role)) {
      throw forbidden(`The ${role} role may not do this; it needs ${allowed.join(' or ')}.`);
    }
    request.labAccess = { lab, role };
    return true;
  }
}
