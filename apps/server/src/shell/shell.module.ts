import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { RuntimeModule } from '../runtime/runtime.module';
import { TracesModule } from '../traces/traces.module';
import { ShellController } from './shell.controller';
import { ShellService } from './shell.service';
import { ShellWatches } from './shell-watches';

/** The lab shell over REST (`POST /exec`), the lab file store (`POST /files`), and ShellService and ShellWatches for the socket.io gateway. */
@Module({
  imports: [RuntimeModule, TracesModule],
  controllers: [ShellController],
  providers: [ShellService, ShellWatches, LabAuthGuard],
  exports: [ShellService, ShellWatches],
})
export class ShellModule {}
