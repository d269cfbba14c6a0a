import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, logsRequests } from './app.module';
import type { ServerConfig } from './config/server-config';
import { HopLabIoAdapter } from './gateway/socket-io.adapter';
import { KubeRouter } from './k8s/kube-router';
import { installJsonApplyLane } from './mutations/json-apply-lane';
import { sendProblem, toProblem } from './problem/problem.filter';
import { serveWebClient } from './web/web-client';

/** Builds the whole HTTP application; main.ts and the e2e tests share it. */
export async function createApp(config: ServerConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(await HopLabIoAdapter.create(app, config));
  app.useBodyParser('json', { limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  app.useBodyParser('text', { limit: config.bodyLimit, type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'] });
  // Body-parser errors (413, malformed JSON) happen before Nest's filters: answer them as problems too.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    sendProblem(response, toProblem(error));
  });
  // Each lab's Kubernetes API lives outside the `api` prefix, at /k8s/:lab, answering kubectl's way (Status errors).
  app.use('/k8s', app.get(KubeRouter).router);
  serveWebClient(app);
  app.setGlobalPrefix('api');
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('HopLab')
      .setDescription('Event-sourced Kubernetes networking labs (see API.md)')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  // Request logs are written by pino-http inside Express: with them on, applies take the Express path too.
  if (!logsRequests(config)) installJsonApplyLane(app, config);
  return app;
}
