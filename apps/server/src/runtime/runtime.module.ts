import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { LabCommandsService } from '../mutations/lab-commands.service';
import { MutationsController } from '../mutations/mutations.controller';
import { ReadsController } from '../reads/reads.controller';
import { LabRuntime } from './lab-runtime.service';

@Module({
  controllers: [MutationsController, ReadsController],
  providers: [LabRuntime, LabAuthGuard, LabCommandsService],
  exports: [LabRuntime, LabCommandsService],
})
export class RuntimeModule {}
