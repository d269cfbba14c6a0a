import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { configFromEnv } from './config/server-config';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createApp(config);
  await app.listen(config.port);
  app.get(Logger).log(`HopLab listening on ${await app.getUrl()}`, 'Bootstrap');
}

void main();
