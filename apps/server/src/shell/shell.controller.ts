import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AllowRoles, LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { eventView } from '../runtime/event-view';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { parseOrThrow } from '../validation/zod-body';
import { execSchema, fileSchema, openApi } from './shell.schemas';
import { ShellService } from './shell.service';

@ApiTags('shell')
@ApiBearerAuth()
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
export class ShellController {
  constructor(
    @Inject(ShellService) private readonly shell: ShellService,
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
  ) {}

  @Post('exec')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a shell line in the lab (kubectl, minikube, docker exec, ip, iptables…); changes append events, reads append nothing' })
  @ApiBody({ schema: openApi.exec })
  @ApiResponse({ status: 200, schema: openApi.execResult })
  @ApiResponse({ status: 403, description: 'an observer ran a command that changes the lab' })
  async exec(@Req() request: LabRequest, @Body() body: unknown) {
    const { command, context, vars } = parseOrThrow(execSchema, body ?? {}, 'exec request');
    // Over REST `kubectl get -w` prints the list and ends: a request cannot stream.
    const { stack: _stack, watch: _watch, events, ...result } = await this.shell.execInContext(request.labAccess.lab, request.labAccess.role, command, context, vars);
    return { ...result, events: events.map(eventView) };
  }

  @Post('files')
  @AllowRoles('instructor', 'student')
  @ApiOperation({ summary: "Store a file in the lab's file store (kubectl apply -f <name>, cat <name>); part of the lab's history" })
  @ApiBody({ schema: openApi.file })
  @ApiResponse({ status: 201, description: 'stored: { version, events }' })
  async storeFile(@Req() request: LabRequest, @Body() body: unknown) {
    const { name, content } = parseOrThrow(fileSchema, body ?? {}, 'file');
    const { version, events } = await this.runtime.execute(request.labAccess.lab.id, [{ type: 'storeFile', name, content }], { actor: request.labAccess.role });
    return { version, events: events.map(eventView) };
  }
}
