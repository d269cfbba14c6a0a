import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { MutationsController } from '../mutations/mutations.controller';
import { ReadsController } from '../reads/reads.controller';
import { LabRuntime } from './lab-runtime.service';

@Module({
  controllers: [MutationsController, ReadsController],
  providers: [LabRuntime, LabAuthGuard],
  exports: [LabRuntime],
})
export class RuntimeModule {}
