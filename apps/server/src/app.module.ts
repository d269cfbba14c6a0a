import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ClassroomModule } from './classroom/classroom.module';
import { CompareModule } from './compare/compare.controller';
import { SERVER_CONFIG, ServerConfig } from './config/server-config';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.controller';
import { KubeApiModule } from './k8s/k8s.module';
import { LabsModule } from './labs/labs.module';
import { ProblemFilter } from './problem/problem.filter';
import { RUNTIME_CONFIG } from './runtime/runtime-config';
import { RuntimeModule } from './runtime/runtime.module';
import { ScenariosModule } from './scenarios/scenarios.module';
import { ShellModule } from './shell/shell.module';
import { StoreModule } from './store/store.module';
import { TracesModule } from './traces/traces.module';
import { WebReadsModule } from './web/node-tables.controller';

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Tokens must never reach the logs.
            redact: ['req.headers.authorization'],
          },
          // A silent server logs no request: pino-http's per-request child loggers cost ~5% of a mutation's CPU.
          ...(config.logLevel === 'silent' ? { forRoutes: [] } : {}),
        }),
        StoreModule,
        RuntimeModule,
        LabsModule,
        HealthModule,
        GatewayModule,
        ClassroomModule,
        KubeApiModule,
        ShellModule,
        ScenariosModule,
        TracesModule,
        CompareModule,
        WebReadsModule,
      ],
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: RUNTIME_CONFIG, useValue: { snapshotEvery: config.snapshotEvery, idleEvictionMs: config.idleEvictionMs, controllerTickMs: config.controllerTickMs } },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [SERVER_CONFIG, RUNTIME_CONFIG],
    };
  }
}
