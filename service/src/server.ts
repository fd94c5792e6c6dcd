import { randomUUID } from 'node:crypto';
import { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { runCli } from '../../common/cli.ts';
import { readConfig } from './config.ts';
import { HTTP_LIMITS } from './limits.ts';
import { createService } from './service.ts';

/**
 * The local Node server: the same app as on Lambda, behind @hono/node-server. Metrics are off here (EMF
 * only means something to CloudWatch); the structured request logs are the same.
 */

async function main(): Promise<void> {
  const config = readConfig(process.env, process.cwd());
  const { app, logger, modelVersion } = await createService(config, {
    emitMetrics: false,
    coalescePredictions: config.microBatching,
    invocationOf: () => ({ requestId: randomUUID() }),
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (address) => {
    logger.info('listening', {
      url: `http://${config.host}:${address.port}`,
      port: address.port,
      modelVersion,
      microBatching: config.microBatching,
    });
  });
  if (server instanceof Server) {
    server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
    server.headersTimeout = HTTP_LIMITS.requestTimeoutMs;
  }
  server.setTimeout(HTTP_LIMITS.requestTimeoutMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}

await runCli({ name: 'predictor' }, async () => {
  await main();
  return undefined;
});
