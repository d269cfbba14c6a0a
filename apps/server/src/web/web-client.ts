import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The client's pages: the start page and a lab's page; everything under /api, /k8s and /socket.io stays the server's. */
const clientPage = /^\/(labs\/[^/]+\/?)?$/;

/** apps/web/dist (vite's output), found from the sources (tests) as from the compiled server in dist/. */
export function findWebRoot(from = __dirname): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

/** Serves the built web client at / with its assets, and its index for /labs/:id links. */
export function serveWebClient(app: NestExpressApplication, root = findWebRoot()): void {
  if (!root) {
    app.use((request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'GET' || !clientPage.test(request.path)) return next();
      response.status(503).type('text/plain').send('The web client is not built: run `npm run build:web`.\n');
    });
    return;
  }
  app.useStaticAssets(root, { index: false, fallthrough: true });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || !clientPage.test(request.path)) return next();
    response.sendFile(join(root, 'index.html'));
  });
}
