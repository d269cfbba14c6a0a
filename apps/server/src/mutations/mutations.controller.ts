import { Body, Controller, Delete, Headers, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseManifests, planApply, type ApplyOutcome, type Command } from '@hoplab/simulator';
import { AllowRoles, LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { badRequest, notFound } from '../problem/problem';
import { LabRuntime, type CommandPlan, type MutationResult } from '../runtime/lab-runtime.service';
import { parseOrThrow } from '../validation/zod-body';
import { parseIfMatch } from './if-match';
import { parseDuration } from '../runtime/lab-clock';
import { addNodeSchema, addRouterSchema, clockSchema, openApi } from './mutation.schemas';

const ifMatch = { name: 'If-Match', required: false, description: 'The lab version the change is based on, e.g. "12"; a mismatch is 409' };
const problem = { 'application/problem+json': { schema: { type: 'object' } } };

/** kubectl's delete resources as the lab knows them: plural, and whether they live in a namespace. */
const deletable: Record<string, (namespace: string, name: string) => Command> = {
  pods: (namespace, name) => ({ type: 'deletePod', namespace, name }),
  namespaces: (_namespace, name) => ({ type: 'deleteNamespace', name }),
};

@ApiTags('mutations')
@ApiBearerAuth()
@ApiHeader(ifMatch)
@ApiResponse({ status: 403, description: 'observers cannot mutate', content: problem })
@ApiResponse({ status: 409, description: 'If-Match mismatch or a name taken', content: problem })
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
@AllowRoles('instructor', 'student')
export class MutationsController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Post('nodes')
  @ApiOperation({ summary: 'Add a node (name, IP and podCIDR are chosen as minikube would when omitted)' })
  @ApiBody({ schema: openApi.addNode })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  addNode(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: Response) {
    const node = parseOrThrow(addNodeSchema, body ?? {}, 'node');
    return this.mutate(request, [{ type: 'addNode', ...node }], version, response);
  }

  @Delete('nodes/:node')
  @ApiOperation({ summary: 'Remove a node and its pods' })
  @ApiResponse({ status: 200, schema: openApi.mutation })
  removeNode(@Req() request: LabRequest, @Param('node') node: string, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: Response) {
    return this.mutate(request, [{ type: 'removeNode', name: node }], version, response);
  }

  @Post('routers')
  @ApiOperation({ summary: 'Add a router between node networks (the two-VMs-and-a-router topology)' })
  @ApiBody({ schema: openApi.addRouter })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  addRouter(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: Response) {
    const router = parseOrThrow(addRouterSchema, body, 'router');
    return this.mutate(request, [{ type: 'addRouter', ...router }], version, response);
  }

  @Post('apply')
  @ApiOperation({ summary: 'Create or update objects from Kubernetes manifests, like kubectl apply (all or nothing)' })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: { type: 'string', description: 'multi-document YAML, or a JSON object or List' } })
  @ApiResponse({ status: 200, schema: { ...openApi.mutation, properties: { ...openApi.mutation.properties, results: { type: 'array', items: { type: 'object' } } } } })
  @ApiResponse({ status: 422, description: 'an object Kubernetes would reject; errors name the document index and field', content: problem })
  async apply(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: Response) {
    const text = typeof body === 'string' ? body : body && typeof body === 'object' && Object.keys(body).length ? JSON.stringify(body) : '';
    if (!text.trim()) throw badRequest('The body must be Kubernetes manifests, as application/yaml or application/json.');
    const objects = parseManifests(text);
    let outcomes: ApplyOutcome[] = [];
    const plan: CommandPlan = (state) => {
      const planned = planApply(state, objects);
      outcomes = planned.outcomes;
      return planned.commands;
    };
    response.status(200);
    const result = await this.mutate(request, plan, version, response);
    return { ...result, results: outcomes };
  }

  @Post('clock')
  @ApiOperation({ summary: 'Change the simulated clock: advance it ("30s", "1m30s") and/or set its speed (0 pauses)' })
  @ApiBody({ schema: openApi.clock })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  clock(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: Response) {
    const { advance, speed } = parseOrThrow(clockSchema, body, 'clock change');
    const advanceMs = advance === undefined ? undefined : parseDuration(advance);
    if (advanceMs === undefined && advance !== undefined) {
      throw badRequest(`advance must be a duration such as "30s" or "1m30s"; got ${JSON.stringify(advance)}.`, [{ path: 'advance', message: 'not a duration' }]);
    }
    return this.mutate(request, [{ type: 'setClock', speed, advanceMs }], version, response);
  }

  @Delete('objects/:resource/:namespace/:name')
  @ApiOperation({ summary: 'Delete one object: pods/<ns>/<name>, namespaces/_/<name>' })
  @ApiResponse({ status: 200, schema: openApi.mutation })
  deleteObject(
    @Req() request: LabRequest,
    @Param('resource') resource: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Headers('if-match') version: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = deletable[resource];
    if (!command) throw notFound(`The lab has no resource type "${resource}"; it knows ${Object.keys(deletable).join(', ')}.`);
    return this.mutate(request, [command(namespace, name)], version, response);
  }

  private async mutate(request: LabRequest, plan: CommandPlan, version: string | undefined, response: Response): Promise<MutationResult> {
    const result = await this.runtime.execute(request.labAccess.lab.id, plan, { actor: request.labAccess.role, ifMatch: parseIfMatch(version) });
    response.setHeader('ETag', `"${result.version}"`);
    return result;
  }
}
