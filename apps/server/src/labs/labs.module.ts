import { Module } from '@nestjs/common';
import { RuntimeModule } from '../runtime/runtime.module';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { LabsController } from './labs.controller';
import { LabsService } from './labs.service';

@Module({ imports: [RuntimeModule], controllers: [LabsController], providers: [LabsService, LabAuthGuard] })
export class LabsModule {}
