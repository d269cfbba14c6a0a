import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { LabsController } from './labs.controller';
import { LabsService } from './labs.service';

@Module({ controllers: [LabsController], providers: [LabsService, LabAuthGuard] })
export class LabsModule {}
