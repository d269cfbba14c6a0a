import { Inject, Injectable } from '@nestjs/common';
import type { TokenRole } from '@hoplab/event-store';
import { EventStore } from '@hoplab/event-store';
import type { Command, LabState } from '@hoplab/simulator';
import { bearerToken, hashToken } from '../auth/tokens';
import { LabRuntime } from '../runtime/lab-runtime.service';
import type { KubeResource } from './catalog';
import { getObject, listObjects, type KubeObject, type RenderContext } from './objects';
import { forbiddenStatus, KubeStatusError, notFoundStatus, pathNotFound, unauthorizedStatus } from './status';
import { asKubeStatus } from './writes';
import { labEpochMs } from '../labs/lab-epoch';

export interface KubeAccess {
  labId: string;
  role: TokenRole;
  /** Wall-clock ms of the lab's creation (simulated time 0). */
  origin: number;
}

const mutatingVerbs = new Set(['create', 'update', 'patch', 'delete']);

/** The lab behind `/k8s/:lab`: who calls, what the lab holds as Kubernetes objects, and writes as commands. */
@Injectable()
export class KubeApiService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LabRuntime) readonly runtime: LabRuntime,
  ) {}

  /** The caller's role in the lab from the bearer token; 401 and 404 as Statuses. */
  async access(labId: string, authorization: string | undefined): Promise<KubeAccess> {
    const lab = await this.store.getLab(labId);
    if (!lab) throw pathNotFound();
    const token = bearerToken(authorization);
    const role = token ? await this.store.roleOf(labId, hashToken(token)) : null;
    if (!role) throw unauthorizedStatus();
    return { labId, role, origin: labEpochMs(lab) };
  }

  /** Observers may get, list and watch; the other roles everything. */
  authorize(access: KubeAccess, verb: string, resource: KubeResource, namespace?: string): void {
    if (access.role === 'observer' && mutatingVerbs.has(verb)) throw forbiddenStatus(`hoplab:${access.role}`, verb, resource, namespace);
  }

  /** Runs `read` on the lab's live state as a render context. */
  view<T>(access: KubeAccess, read: (ctx: RenderContext) => T): Promise<T> {
    return this.runtime.read(access.labId, (state, now) => read(this.context(access, state, now)));
  }

  /** The same as of event `at` (a watch's starting point). */
  viewAt<T>(access: KubeAccess, at: number, read: (ctx: RenderContext) => T): Promise<T> {
    return this.runtime.stateAt(access.labId, at, (state, now) => read(this.context(access, state, now)));
  }

  context(access: KubeAccess, state: LabState, now: number): RenderContext {
    return { labId: access.labId, state, now, origin: access.origin };
  }

  list(ctx: RenderContext, resource: KubeResource, namespace?: string): KubeObject[] {
    return listObjects(resource.resource, ctx, namespace);
  }

  get(ctx: RenderContext, resource: KubeResource, namespace: string | undefined, name: string): KubeObject {
    const found = getObject(resource.resource, ctx, namespace, name);
    if (!found) throw notFoundStatus(resource, name);
    return found;
  }

  /**
   * Decides `plan` against the live state and appends its events (one lab mutation like any other);
   * the lab's refusals come back as Statuses naming `name`.
   */
  async write(access: KubeAccess, resource: KubeResource, name: string, plan: (state: LabState) => Command[], actor: string): Promise<{ version: number; changed: boolean }> {
    try {
      const result = await this.runtime.execute(access.labId, plan, { actor });
      return { version: result.version, changed: result.events.length > 0 };
    } catch (error) {
      const status = asKubeStatus(error, resource, name);
      throw status instanceof KubeStatusError ? status : error;
    }
  }
}
