import 'reflect-metadata';
import { createApp } from './app.factory';
import { configFromEnv } from './config/server-config';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createApp(config);
  await app.listen(config.port);
}

void main();
