import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { badRequest } from '../problem/problem';
import { resolveScenario } from './scenario-catalog';
import { ScenariosService } from './scenarios.service';
import { openApi } from './scenario.schemas';

@ApiTags('scenarios')
@ApiBearerAuth()
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
export class ScenariosController {
  constructor(@Inject(ScenariosService) private readonly scenarios: ScenariosService) {}

  @Post('check')
  @HttpCode(200)
  @ApiOperation({ summary: "Grade the lab: run a scenario's checks (traces, commands, connectivity) against it without changing it" })
  @ApiBody({ schema: openApi.checkRequest })
  @ApiResponse({ status: 200, schema: openApi.checkResult })
  @ApiResponse({ status: 422, description: 'an unknown scenario, or a document with errors (each with its field and line)' })
  check(@Req() request: LabRequest, @Body() body: unknown) {
    return this.scenarios.check(request.labAccess.lab, resolveScenario(checkedScenario(body)));
  }

  @Get('scenario')
  @ApiOperation({ summary: 'Export the lab as a scenario file that rebuilds it (POST /api/labs { scenario })' })
  @ApiProduces('application/yaml')
  @ApiResponse({ status: 200, description: 'the scenario as YAML' })
  async export(@Req() request: LabRequest, @Res({ passthrough: true }) response: FastifyReply) {
    const { version, yaml } = await this.scenarios.export(request.labAccess.lab);
    response.header('ETag', `"${version}"`);
    response.type('application/yaml; charset=utf-8');
    return yaml;
  }
}

/** `{ scenario: name | document }`, a scenario document itself (JSON), or its YAML text. */
function checkedScenario(body: unknown): string | Record<string, unknown> {
  if (typeof body === 'string' && body.trim()) return body.includes('\n') ? body : `${body}\n`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be { "scenario": <name | document> } or a scenario document.');
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'scenario') {
    const scenario = record.scenario;
    if (typeof scenario === 'string' || (typeof scenario === 'object' && scenario !== null && !Array.isArray(scenario))) return scenario as string | Record<string, unknown>;
    throw badRequest('scenario must be a built-in name or a scenario document.', [{ path: 'scenario', message: 'must be a string or an object' }]);
  }
  return record;
}
