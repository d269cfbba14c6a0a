import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { RuntimeModule } from '../runtime/runtime.module';
import { TracesController } from './traces.controller';
import { TracesService } from './traces.service';

@Module({ imports: [RuntimeModule], controllers: [TracesController], providers: [TracesService, LabAuthGuard], exports: [TracesService] })
export class TracesModule {}
