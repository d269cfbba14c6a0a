import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { parseOrThrow } from '../validation/zod-body';
import { connectivityQuerySchema, openApi, traceRequestSchema } from './trace.schemas';
import { TracesService } from './traces.service';

@ApiTags('traces')
@ApiBearerAuth()
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
export class TracesController {
  constructor(@Inject(TracesService) private readonly traces: TracesService) {}

  @Post('traces')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send one packet through the lab and get every hop; with stream: true the hops are also pushed to the lab’s socket.io room, paced',
  })
  @ApiBody({ schema: openApi.traceRequest })
  @ApiResponse({ status: 200, schema: openApi.traceResult })
  trace(@Req() request: LabRequest, @Body() body: unknown) {
    return this.traces.run(request.labAccess.lab.id, parseOrThrow(traceRequestSchema, body, 'trace request'));
  }

  @Get('connectivity')
  @ApiOperation({ summary: 'Which pod reaches which on a port (row = source, column = destination), by the tracer’s policy engine' })
  @ApiQuery({ name: 'port', type: Number })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({ name: 'at', required: false, type: Number })
  @ApiResponse({ status: 200, schema: openApi.connectivity })
  connectivity(@Req() request: LabRequest, @Query() query: Record<string, unknown>) {
    const { port, protocol, at } = parseOrThrow(connectivityQuerySchema, query, 'query');
    return this.traces.connectivity(request.labAccess.lab.id, at, port, protocol);
  }
}
