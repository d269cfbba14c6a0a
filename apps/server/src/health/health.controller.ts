import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { EventStore } from '@hoplab/event-store';

@Injectable()
export class StoreHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    try {
      await this.store.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(StoreHealthIndicator) private readonly storeHealth: StoreHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and the event store’s reachability (503 when the database is down)' })
  check() {
    return this.health.check([() => this.storeHealth.check('database')]);
  }
}

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [StoreHealthIndicator] })
export class HealthModule {}
