import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { readConfig } from './config.ts';
import { createService } from './service.ts';

/**
 * The local Node server: the same app as on Lambda, behind @hono/node-server. Metrics are off here (EMF
 * only means something to CloudWatch); the structured request logs are the same.
 */

/** A client that trickles its body holds one socket for at most this long, never the process. */
const REQUEST_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfig(process.env, process.cwd());
  const { app, logger, modelVersion } = await createService(config, {
    emitMetrics: false,
    coalescePredictions: true,
    requestIdOf: () => randomUUID(),
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (address) => {
    logger.info('listening', {
      url: `http://${config.host}:${address.port}`,
      port: address.port,
      modelVersion,
    });
  });
  server.setTimeout(REQUEST_TIMEOUT_MS);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  console.error(`predictor failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
