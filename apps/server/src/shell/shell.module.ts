import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { RuntimeModule } from '../runtime/runtime.module';
import { TracesModule } from '../traces/traces.module';
import { ShellController } from './shell.controller';
import { ShellService } from './shell.service';

/** The lab shell over REST (`POST /exec`), the lab file store (`POST /files`), and ShellService for the socket.io gateway. */
@Module({
  imports: [RuntimeModule, TracesModule],
  controllers: [ShellController],
  providers: [ShellService, LabAuthGuard],
  exports: [ShellService],
})
export class ShellModule {}
