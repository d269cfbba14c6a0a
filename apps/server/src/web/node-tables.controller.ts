import { Controller, Get, Inject, Module, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { runShell, stackFromContextName } from '@hoplab/simulator/shell';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { notFound } from '../problem/problem';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { RuntimeModule } from '../runtime/runtime.module';
import { parseOrThrow } from '../validation/zod-body';
import { labEpochMs } from '../labs/lab-epoch';

/** What the web client's node tables show: routes, neighbours, the bridge FDB and kube-proxy's nat rules. */
export const NODE_TABLE_COMMANDS = ['ip route', 'ip neigh', 'bridge fdb show', 'iptables -t nat -S'] as const;

const atQuery = z.object({ at: z.coerce.number().int().min(1).optional() }).strict();

const tablesSchema = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    node: { type: 'string' },
    tables: { type: 'array', items: { type: 'object', properties: { command: { type: 'string' }, stdout: { type: 'string' }, stderr: { type: 'string' } } } },
  },
};

/**
 * A node's tables as of event `at` (the timeline's cursor): the lab shell's read commands run in the node's
 * context on the state then, as `POST /exec` runs them on the state now.
 */
@ApiTags('reads')
@ApiBearerAuth()
@Controller('labs/:lab/nodes/:node')
@UseGuards(LabAuthGuard)
export class NodeTablesController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Get('tables')
  @ApiOperation({ summary: 'A node’s routes, neighbours, FDB and nat rules (ip route, ip neigh, bridge fdb show, iptables -t nat -S) as of event `at` (default: now)' })
  @ApiParam({ name: 'node' })
  @ApiQuery({ name: 'at', required: false, type: Number })
  @ApiResponse({ status: 200, schema: tablesSchema })
  @ApiResponse({ status: 404, description: 'no such node in the lab as of `at`' })
  async tables(@Req() request: LabRequest, @Param('node') node: string, @Query() query: Record<string, unknown>) {
    const { at } = parseOrThrow(atQuery, query, 'query');
    const lab = request.labAccess.lab;
    const epochMs = labEpochMs(lab);
    const read = await this.runtime.stateAt(lab.id, at, (state, now) => {
      if (!state.nodes.has(node)) return undefined;
      const tables = NODE_TABLE_COMMANDS.map((command) => {
        const step = runShell(state, stackFromContextName(`node/${node}`)!, command, { now, epochMs });
        return { command, stdout: step.kind === 'done' ? step.output.stdout : '', stderr: step.kind === 'done' ? step.output.stderr : '' };
      });
      return { version: state.version, node, tables };
    });
    if (!read) throw notFound(`There is no node ${node} in lab ${lab.id}${at === undefined ? '' : ` as of event ${at}`}.`);
    return read;
  }
}

@Module({ imports: [RuntimeModule], controllers: [NodeTablesController], providers: [LabAuthGuard] })
export class WebReadsModule {}
