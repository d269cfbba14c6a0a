import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { KubeApiService } from './kube-api.service';
import { splitPathToken } from './kube-router';
import { WORKSTATION, type ShellStack } from '@hoplab/simulator/shell';
import { ShellService } from '../shell/shell.service';
import { Channel, ExecSession } from './exec-session';
import { KubeStatusError } from './status';

export const EXEC_PROTOCOL = 'v5.channel.k8s.io';
const EXEC_PATH = /^\/k8s\/([^/]+)(\/token\/[^/]+)?\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** metav1.Status on channel 3: how kubectl learns the exit code. */
export function exitStatus(exitCode: number): string {
  if (exitCode === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  });
}

const frame = (channel: Channel, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

/** `kubectl exec` over WebSocket v5.channel.k8s.io on the server's own port. */
@Injectable()
export class KubeExecServer implements OnApplicationBootstrap {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(EXEC_PROTOCOL) ? EXEC_PROTOCOL : false) });

  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(KubeApiService) private readonly api: KubeApiService,
    @Inject(ShellService) private readonly shell: ShellService,
  ) {}

  onApplicationBootstrap(): void {
    this.host.httpAdapter.getHttpServer().on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = EXEC_PATH.exec(url.pathname);
      if (!match) return;
      this.upgrade(request, socket, head, url, match).catch((error) => refuse(socket, error));
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL, match: RegExpExecArray): Promise<void> {
    const [, labId, tokenPart, namespace, name] = match.map((m) => (m === undefined ? m : decodeURIComponent(m)));
    const token = tokenPart ? splitPathToken(tokenPart).token : undefined;
    const access = await this.api.access(labId, token ? `Bearer ${token}` : request.headers.authorization);
    const argv = url.searchParams.getAll('command');
    const container = url.searchParams.get('container');
    const flag = (key: string) => url.searchParams.get(key) === 'true';
    const shell = await this.api.view(access, (ctx) => {
      const pod = ctx.state.pods.get(`${namespace}/${name}`);
      if (!pod) throw new KubeStatusError(404, 'NotFound', `pods "${name}" not found`);
      if (container !== null && !pod.containers.some((c) => c.name === container)) throw new KubeStatusError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
      if (pod.phase !== 'Running') throw new KubeStatusError(400, 'BadRequest', `container "${container ?? pod.containers[0].name}" in pod "${name}" is waiting to start: ContainerCreating`);
      return argv[0]?.replace(/^.*\//, '') || 'bash';
    });
    if (argv.length === 0) throw new KubeStatusError(400, 'BadRequest', 'you must specify at least one command for the container');
    const stack: ShellStack = [WORKSTATION, { kind: 'pod', namespace, name, shell }];
    const tty = flag('tty');
    this.wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const session = new ExecSession(
        { argv, stdin: flag('stdin'), tty, stack },
        {
          run: (line, at) => this.shell.execById(labId, access.role, line, at),
          send: (channel, text) => ws.send(frame(channel, text)),
          finish: (exitCode) => {
            ws.send(frame(Channel.Status, exitStatus(exitCode)));
            ws.close(1000);
          },
        },
      );
      ws.on('message', (data: Buffer, isBinary: boolean) => session.receive(isBinary ? data : Buffer.from(data)));
      session.start();
    });
  }
}

/** A refused upgrade answers the Status over plain HTTP (kubectl then prints its message). */
function refuse(socket: Duplex, error: unknown): void {
  const status = error instanceof KubeStatusError ? error : new KubeStatusError(500, 'InternalError', 'exec failed');
  const body = JSON.stringify(status.toStatus());
  socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
