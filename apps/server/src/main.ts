import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { configFromEnv } from './config/server-config';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createApp(config);
  await app.listen(config.port);
  const logger = app.get(Logger);
  logger.log(`HopLab listening on ${await app.getUrl()}`, 'Bootstrap');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: finishing in-flight requests and writes`, 'Shutdown');
      // close() stops accepting connections, waits for the handlers, then closes the store after its queued writes.
      void app.close().then(() => process.exit(0));
    });
  }
}

void main();
