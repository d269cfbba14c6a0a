import { Global, Module } from '@nestjs/common';
import { RuntimeModule } from '../runtime/runtime.module';
import { ShellModule } from '../shell/shell.module';
import { TracesModule } from '../traces/traces.module';
import { ActivityLog } from './activity-log';
import { LabFeeds } from './lab-feeds.service';
import { LabOutbox } from './lab-outbox';
import { LabsGateway } from './labs.gateway';
import { LabsNamespace } from './labs-namespace';
import { LiveBroadcaster } from './live-broadcaster.service';

/** Live lab sessions over socket.io; LiveBroadcaster and ActivityLog are for the tracer and the runtime to push through. */
@Global()
@Module({
  imports: [RuntimeModule, TracesModule, ShellModule],
  providers: [LabsGateway, LabFeeds, LabsNamespace, LabOutbox, LiveBroadcaster, ActivityLog],
  exports: [LiveBroadcaster, ActivityLog, LabsNamespace],
})
export class GatewayModule {}
