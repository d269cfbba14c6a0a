import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ServerConfig } from './config/server-config';
import { HopLabIoAdapter } from './gateway/socket-io.adapter';
import { useBodyParsers } from './http/body-parsers';
import { KubeRouter } from './k8s/kube-router';
import { serveWebClient } from './web/web-client';

/** Builds the whole HTTP application; main.ts and the e2e tests share it. */
export async function createApp(config: ServerConfig): Promise<INestApplication> {
  // Express's router ignored a trailing slash: so does this one.
  const adapter = new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(await HopLabIoAdapter.create(app, config));
  // Body errors (413 over the limit, malformed JSON) reach ProblemFilter like every other error.
  useBodyParsers(app, config.bodyLimit);
  // Each lab's Kubernetes API lives outside the `api` prefix, at /k8s/:lab, answering kubectl's way (Status errors).
  app.use('/k8s', app.get(KubeRouter).app);
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
  return app;
}
