import { Controller, Get, Inject, Module, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { RuntimeModule } from '../runtime/runtime.module';
import { parseOrThrow } from '../validation/zod-body';
import { comparePlugins, type PluginChoice } from './compare';

const pluginNames = ['bridge', 'flannel', 'calico', 'weave', 'cilium'] as const;

const compareQuerySchema = z
  .object({
    plugins: z
      .string()
      .default('flannel,calico,weave,cilium')
      .transform((text, ctx) =>
        text.split(',').map((item): PluginChoice => {
          const [plugin, backend] = item.trim().split(':');
          if (!(pluginNames as readonly string[]).includes(plugin)) ctx.addIssue({ code: 'custom', message: `unknown plugin "${plugin}"; known: ${pluginNames.join(', ')}` });
          return { plugin: plugin as PluginChoice['plugin'], ...(backend ? { backend } : {}) };
        }),
      ),
    from: z.string().min(1),
    to: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP', 'ICMP']).default('TCP'),
    at: z.coerce.number().int().min(1).optional(),
  })
  .strict()
  .refine((query) => query.protocol === 'ICMP' || query.port !== undefined, { message: 'port is required except for ICMP', path: ['port'] });

@ApiTags('traces')
@ApiBearerAuth()
@Controller('labs/:lab')
@UseGuards(LabAuthGuard)
export class CompareController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Get('compare')
  @ApiOperation({
    summary:
      'The lab’s workload on each plugin side by side: the same packet traced through flannel, calico, weave, cilium (hop counts, encapsulation overhead, MTU, where policy is enforced); nothing is appended',
  })
  @ApiQuery({ name: 'plugins', required: false, description: 'e.g. flannel,calico:vxlan,weave,cilium' })
  @ApiQuery({ name: 'from' })
  @ApiQuery({ name: 'to' })
  @ApiQuery({ name: 'port', required: false, type: Number })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP', 'ICMP'] })
  @ApiQuery({ name: 'at', required: false, type: Number })
  compare(@Req() request: LabRequest, @Query() query: Record<string, unknown>) {
    const { plugins, from, to, port, protocol, at } = parseOrThrow(compareQuerySchema, query, 'query');
    return this.runtime.stateAt(request.labAccess.lab.id, at, (state) => ({
      from,
      to,
      port: port ?? null,
      protocol,
      plugins: comparePlugins(state, plugins, { from, to, port, protocol }),
    }));
  }
}

@Module({ imports: [RuntimeModule], controllers: [CompareController], providers: [LabAuthGuard] })
export class CompareModule {}
