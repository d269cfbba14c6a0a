import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { LabsService } from '../labs/labs.service';
import { RuntimeModule } from '../runtime/runtime.module';
import { ClassroomController } from './classroom.controller';
import { ClassroomService } from './classroom.service';

@Module({ imports: [RuntimeModule], controllers: [ClassroomController], providers: [ClassroomService, LabsService, LabAuthGuard] })
export class ClassroomModule {}
