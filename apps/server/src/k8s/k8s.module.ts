import { Module } from '@nestjs/common';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { RuntimeModule } from '../runtime/runtime.module';
import { ShellModule } from '../shell/shell.module';
import { KubeApiService } from './kube-api.service';
import { KubeconfigController } from './kubeconfig.controller';
import { KubeRouter } from './kube-router';
import { KubeExecServer } from './pod-exec';

/** A Kubernetes API per lab at `/k8s/:lab` (mounted by createApp) and its kubeconfig at `/api/labs/:lab/kubeconfig`. */
@Module({
  imports: [RuntimeModule, ShellModule],
  controllers: [KubeconfigController],
  providers: [KubeApiService, KubeRouter, KubeExecServer, LabAuthGuard],
  exports: [KubeRouter],
})
export class KubeApiModule {}
