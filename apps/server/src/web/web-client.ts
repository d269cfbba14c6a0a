import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {} from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The client's pages: the start page and a lab's page; everything under /api, /k8s and /socket.io stays the server's. */
const clientPages = ['/', '/labs/:lab'];

/** apps/web/dist (vite's output), found from the sources (tests) as from the compiled server in dist/. */
export function findWebRoot(from = __dirname): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

/** Serves the built web client at / with its assets, and its index for /labs/:id links. */
export function serveWebClient(app: NestFastifyApplication, root = findWebRoot()): void {
  const fastify = app.getHttpAdapter().getInstance();
  if (!root) {
    for (const page of clientPages) {
      fastify.get(page, (_request, reply: FastifyReply) => reply.code(503).type('text/plain; charset=utf-8').send('The web client is not built: run `npm run build:web`.\n'));
    }
    return;
  }
  // Paths that are neither a file nor a route go on to the not-found problem.
  app.useStaticAssets({ root, index: false, wildcard: true });
  for (const page of clientPages) fastify.get(page, (_request, reply: FastifyReply) => reply.sendFile('index.html', root));
}
