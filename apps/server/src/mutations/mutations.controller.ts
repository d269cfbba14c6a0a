import { Body, Controller, Delete, Headers, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { parseIfMatch } from './if-match';
import { eventView } from '../runtime/event-view';
import { LabCommandsService, type PreparedMutation } from './lab-commands.service';
import { openApi } from './mutation.schemas';

const ifMatch = { name: 'If-Match', required: false, description: 'The lab version the change is based on, e.g. "12"; a mismatch is 409' };
const problem = { 'application/problem+json': { schema: { type: 'object' } } };

@ApiTags('mutations')
@ApiBearerAuth()
@ApiHeader(ifMatch)
@ApiResponse({ status: 403, description: 'observers cannot mutate', content: problem })
@ApiResponse({ status: 409, description: 'If-Match mismatch or a name taken', content: problem })
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
@AllowRoles('instructor', 'student')
export class MutationsController {
  constructor(@Inject(LabCommandsService) private readonly commands: LabCommandsService) {}

  @Post('nodes')
  @ApiOperation({ summary: 'Add a node (name, IP and podCIDR are chosen as minikube would when omitted)' })
  @ApiBody({ schema: openApi.addNode })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  addNode(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.mutate(request, this.commands.addNode(body), version, response);
  }

  @Delete('nodes/:node')
  @ApiOperation({ summary: 'Remove a node and its pods' })
  @ApiResponse({ status: 200, schema: openApi.mutation })
  removeNode(@Req() request: LabRequest, @Param('node') node: string, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.mutate(request, this.commands.removeNode(node), version, response);
  }

  @Post('routers')
  @ApiOperation({ summary: 'Add a router between node networks (the two-VMs-and-a-router topology)' })
  @ApiBody({ schema: openApi.addRouter })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  addRouter(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.mutate(request, this.commands.addRouter(body), version, response);
  }

  @Post('apply')
  @ApiOperation({ summary: 'Create or update objects from Kubernetes manifests, like kubectl apply (all or nothing)' })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: { type: 'string', description: 'multi-document YAML, or a JSON object or List' } })
  @ApiResponse({ status: 200, schema: { ...openApi.mutation, properties: { ...openApi.mutation.properties, results: { type: 'array', items: { type: 'object' } } } } })
  @ApiResponse({ status: 422, description: 'an object Kubernetes would reject; errors name the document index and field', content: problem })
  apply(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    const prepared = this.commands.apply(body);
    response.status(200);
    return this.mutate(request, prepared, version, response);
  }

  @Post('cni')
  @ApiOperation({ summary: 'Move the lab to another CNI plugin (a real migration: every pod is re-added through the new plugin and gets a new address)' })
  @ApiBody({ schema: openApi.cni })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  changePlugin(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.mutate(request, this.commands.changePlugin(body), version, response);
  }

  @Post('clock')
  @ApiOperation({ summary: 'Change the simulated clock: advance it ("30s", "1m30s") and/or set its speed (0 pauses)' })
  @ApiBody({ schema: openApi.clock })
  @ApiResponse({ status: 201, schema: openApi.mutation })
  clock(@Req() request: LabRequest, @Body() body: unknown, @Headers('if-match') version: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    return this.mutate(request, this.commands.clock(body), version, response);
  }

  @Delete('objects/:resource/:namespace/:name')
  @ApiOperation({ summary: 'Delete one object: pods|services|networkpolicies|deployments/<ns>/<name>, namespaces/_/<name>' })
  @ApiResponse({ status: 200, schema: openApi.mutation })
  deleteObject(
    @Req() request: LabRequest,
    @Param('resource') resource: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Headers('if-match') version: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.mutate(request, this.commands.deleteObject(resource, namespace, name), version, response);
  }

  private async mutate(request: LabRequest, prepared: PreparedMutation, version: string | undefined, response: FastifyReply) {
    const result = await this.commands.execute(request.labAccess.lab.id, prepared, { actor: request.labAccess.role, ifMatch: parseIfMatch(version) });
    response.header('ETag', `"${result.version}"`);
    return { ...result, events: result.events.map(eventView) };
  }
}
