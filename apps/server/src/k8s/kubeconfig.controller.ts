import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { stringify } from 'yaml';
import { LabAuthGuard, type LabRequest } from '../auth/lab-auth.guard';
import { bearerToken } from '../auth/tokens';

/** A kubeconfig for the lab's Kubernetes API: same host and port as this request, the caller's token. */
export function labKubeconfig(server: string, labName: string, token: string): string {
  const name = `hoplab-${labName}`.replace(/[^A-Za-z0-9._-]/g, '-');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Harmless to kubectl over http; @kubernetes/client-node refuses an http server without it.
    clusters: [{ name, cluster: { server, ...(server.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}) } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
  });
}

@ApiTags('labs')
@Controller('labs/:lab')
export class KubeconfigController {
  @Get('kubeconfig')
  @UseGuards(LabAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A kubeconfig for `kubectl --kubeconfig` against the lab’s Kubernetes API (any role; the caller’s token)' })
  @ApiProduces('application/yaml')
  @ApiResponse({ status: 200, description: 'kubeconfig YAML' })
  kubeconfig(@Req() request: LabRequest, @Res() response: FastifyReply): void {
    const { lab } = request.labAccess;
    const token = bearerToken(request.headers.authorization)!;
    const base = `${request.protocol}://${request.headers.host}/k8s/${encodeURIComponent(lab.id)}`;
    // kubectl sends bearer tokens over https only: over http the token rides in the server URL.
    const server = request.protocol === 'https' ? base : `${base}/token/${encodeURIComponent(token)}`;
    response.type('application/yaml; charset=utf-8').send(labKubeconfig(server, lab.name, token));
  }
}
