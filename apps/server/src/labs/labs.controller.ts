import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { bearerToken } from '../auth/tokens';
import { unauthorized } from '../problem/problem';
import { parseOrThrow } from '../validation/zod-body';
import { createLabSchema, eventsQuerySchema, forkLabSchema, openApi } from './lab.schemas';
import { LabsService } from './labs.service';
import { eventView } from '../runtime/event-view';

const problem = { 'application/problem+json': { schema: openApi.problem } };

@ApiTags('labs')
@Controller('labs')
export class LabsController {
  constructor(@Inject(LabsService) private readonly labs: LabsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a lab; its three tokens are returned once, here only' })
  @ApiBody({ schema: openApi.createLab })
  @ApiResponse({ status: 201, schema: openApi.createdLab })
  @ApiResponse({ status: 400, content: problem })
  @ApiResponse({ status: 422, content: problem })
  async create(@Body() body: unknown, @Res({ passthrough: true }) response: FastifyReply) {
    const created = await this.labs.create(parseOrThrow(createLabSchema, body, 'lab'));
    response.header('ETag', `"${created.version}"`);
    return created;
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The labs the bearer token belongs to' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: openApi.lab } })
  @ApiResponse({ status: 401, content: problem })
  list(@Headers('authorization') authorization?: string) {
    const token = bearerToken(authorization);
    if (!token) throw unauthorized('Listing labs needs an Authorization: Bearer <token> header.');
    return this.labs.listForToken(token);
  }

  @Get(':lab')
  @UseGuards(LabAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'One lab, with the caller’s role' })
  @ApiResponse({ status: 200, schema: openApi.lab })
  @ApiResponse({ status: 401, content: problem })
  @ApiResponse({ status: 404, content: problem })
  get(@Req() request: LabRequest, @Res({ passthrough: true }) response: FastifyReply) {
    const { lab, role } = request.labAccess;
    response.header('ETag', `"${lab.version}"`);
    return { ...lab, role };
  }

  @Delete(':lab')
  @HttpCode(204)
  @UseGuards(LabAuthGuard)
  @AllowRoles('instructor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete a lab and its whole history (instructor)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 403, content: problem })
  async remove(@Req() request: LabRequest) {
    await this.labs.remove(request.labAccess.lab.id);
  }

  @Post(':lab/fork')
  @UseGuards(LabAuthGuard)
  @AllowRoles('instructor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new lab (fresh tokens) whose history is this lab’s events up to `at` (instructor)' })
  @ApiBody({ schema: openApi.forkLab })
  @ApiResponse({ status: 201, schema: openApi.createdLab })
  @ApiResponse({ status: 422, description: 'a fork point beyond the lab’s version', content: problem })
  async fork(@Req() request: LabRequest, @Body() body: unknown, @Res({ passthrough: true }) response: FastifyReply) {
    const { at, name } = parseOrThrow(forkLabSchema, body ?? {}, 'fork');
    const created = await this.labs.fork(request.labAccess.lab, at, name);
    response.header('ETag', `"${created.version}"`);
    return created;
  }

  @Get(':lab/events')
  @UseGuards(LabAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The lab’s events after a seq, in order' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: openApi.event } })
  async events(@Req() request: LabRequest, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: FastifyReply) {
    const { after, limit } = parseOrThrow(eventsQuerySchema, query, 'query');
    const { lab } = request.labAccess;
    response.header('ETag', `"${lab.version}"`);
    const events = await this.labs.events(lab.id, after, limit);
    return events.map(eventView);
  }
}
