import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { manifestObjects, parseManifests, planApply, type ApplyOutcome, type Command } from '@hoplab/simulator';
import { badRequest, notFound } from '../problem/problem';
import { parseDuration } from '../runtime/lab-clock';
import { LabRuntime, type CommandPlan, type MutationResult } from '../runtime/lab-runtime.service';
import { parseOrThrow } from '../validation/zod-body';
import { addNodeSchema, addRouterSchema, clockSchema, cniSchema } from './mutation.schemas';

/** A request turned into commands, not yet run; `results` reads what an apply decided once it ran. */
export interface PreparedMutation {
  plan: CommandPlan;
  results?: () => ApplyOutcome[];
}

export interface LabMutationResult extends MutationResult {
  results?: ApplyOutcome[];
}

/** kubectl's delete resources as the lab knows them: plural, and whether they live in a namespace. */
const deletable: Record<string, (namespace: string, name: string) => Command> = {
  pods: (namespace, name) => ({ type: 'deletePod', namespace, name }),
  services: (namespace, name) => ({ type: 'deleteService', namespace, name }),
  networkpolicies: (namespace, name) => ({ type: 'deleteNetworkPolicy', namespace, name }),
  deployments: (namespace, name) => ({ type: 'deleteDeployment', namespace, name }),
  namespaces: (_namespace, name) => ({ type: 'deleteNamespace', name }),
};

const name = z.string().min(1).max(253);
/** The envelope of a socket.io `command` message: the REST body plus its type (and an optional If-Match version). */
const commandMessageSchema = z.looseObject({
  type: z.enum(['addNode', 'removeNode', 'addRouter', 'apply', 'delete', 'clock', 'cni']),
  ifMatch: z.number().int().min(0).optional(),
});
const removeNodeMessageSchema = z.object({ name }).strict();
const deleteMessageSchema = z.object({ resource: name, namespace: name, name }).strict();
const applyMessageSchema = z.object({ manifests: z.union([z.string(), z.record(z.string(), z.unknown())]) }).strict();

/**
 * Translates mutation bodies into commands and runs them: the REST controller and the socket.io
 * `command` message share it, so both accept the same bodies and answer the same problems.
 */
@Injectable()
export class LabCommandsService {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  addNode(body: unknown): PreparedMutation {
    const node = parseOrThrow(addNodeSchema, body ?? {}, 'node');
    return { plan: [{ type: 'addNode', ...node }] };
  }

  removeNode(node: string): PreparedMutation {
    return { plan: [{ type: 'removeNode', name: node }] };
  }

  addRouter(body: unknown): PreparedMutation {
    const router = parseOrThrow(addRouterSchema, body, 'router');
    return { plan: [{ type: 'addRouter', ...router }] };
  }

  /** `body` is YAML text or an already parsed JSON object (one object or a List). */
  apply(body: unknown): PreparedMutation {
    const parsedJson = body !== null && typeof body === 'object' && Object.keys(body).length > 0;
    if (!parsedJson && !(typeof body === 'string' && body.trim())) throw badRequest('The body must be Kubernetes manifests, as application/yaml or application/json.');
    // A JSON body is already parsed: printing it again for the YAML parser cost a twelfth of a mutation's CPU.
    const objects = parsedJson ? manifestObjects([body]) : parseManifests(body as string);
    let outcomes: ApplyOutcome[] = [];
    const plan: CommandPlan = (state) => {
      const planned = planApply(state, objects);
      outcomes = planned.outcomes;
      return planned.commands;
    };
    return { plan, results: () => outcomes };
  }

  clock(body: unknown): PreparedMutation {
    const { advance, speed } = parseOrThrow(clockSchema, body, 'clock change');
    const advanceMs = advance === undefined ? undefined : parseDuration(advance);
    if (advanceMs === undefined && advance !== undefined) {
      throw badRequest(`advance must be a duration such as "30s" or "1m30s"; got ${JSON.stringify(advance)}.`, [{ path: 'advance', message: 'not a duration' }]);
    }
    return { plan: [{ type: 'setClock', speed, advanceMs }] };
  }

  /** Moves the lab to another CNI plugin: every pod goes through CNI DEL, then ADD through the new plugin. */
  changePlugin(body: unknown): PreparedMutation {
    const cni = parseOrThrow(cniSchema, body, 'plugin change');
    return { plan: [{ type: 'changePlugin', cni }] };
  }

  deleteObject(resource: string, namespace: string, objectName: string): PreparedMutation {
    const command = deletable[resource];
    if (!command) throw notFound(`The lab has no resource type "${resource}"; it knows ${Object.keys(deletable).join(', ')}.`);
    return { plan: [command(namespace, objectName)] };
  }

  /** A socket.io `command` message: `{ type, ifMatch?, ...the REST body }`; apply carries `manifests`, delete its path parts. */
  fromMessage(message: unknown): { prepared: PreparedMutation; ifMatch?: number } {
    const { type, ifMatch, ...body } = parseOrThrow(commandMessageSchema, message, 'command');
    switch (type) {
      case 'addNode':
        return { prepared: this.addNode(body), ifMatch };
      case 'removeNode':
        return { prepared: this.removeNode(parseOrThrow(removeNodeMessageSchema, body, 'command').name), ifMatch };
      case 'addRouter':
        return { prepared: this.addRouter(body), ifMatch };
      case 'apply':
        return { prepared: this.apply(parseOrThrow(applyMessageSchema, body, 'command').manifests), ifMatch };
      case 'delete': {
        const target = parseOrThrow(deleteMessageSchema, body, 'command');
        return { prepared: this.deleteObject(target.resource, target.namespace, target.name), ifMatch };
      }
      case 'clock':
        return { prepared: this.clock(body), ifMatch };
      case 'cni':
        return { prepared: this.changePlugin(body), ifMatch };
    }
  }

  async execute(labId: string, prepared: PreparedMutation, options: { actor: string; ifMatch?: number }): Promise<LabMutationResult> {
    const result = await this.runtime.execute(labId, prepared.plan, options);
    return prepared.results ? { ...result, results: prepared.results() } : result;
  }
}
