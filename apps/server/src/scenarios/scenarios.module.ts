import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { RuntimeModule } from '../runtime/runtime.module';
import { ScenariosController } from './scenarios.controller';
import { ScenariosService } from './scenarios.service';

@Module({ imports: [RuntimeModule], controllers: [ScenariosController], providers: [ScenariosService, LabAuthGuard] })
export class ScenariosModule {}
