import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadPredictor } from '../../model/src/predictor.ts';
import { type AppDependencies, createApp } from './app.ts';
import { coalescingPredictor } from './coalescing-predictor.ts';
import type { ServiceConfig } from './config.ts';
import { HTTP_LIMITS } from './limits.ts';
import { createObserver, SERVICE_NAME } from './observability.ts';

/**
 * Wires the app for a runtime: loads the model (throwing with the file's name when it is missing or corrupt),
 * builds the Powertools logger and, where asked, the EMF metrics.
 */
export interface ServiceOptions {
  /** EMF to stdout: on for Lambda, where CloudWatch turns it into metrics; off locally, where it is noise. */
  emitMetrics: boolean;
  /** Merge concurrent requests into shared model runs: on for the server; a Lambda sees one request at a time. */
  coalescePredictions: boolean;
  requestIdOf: AppDependencies['requestIdOf'];
  bufferedBodyOf?: AppDependencies['bufferedBodyOf'];
}

export async function createService(config: ServiceConfig, options: ServiceOptions) {
  const { emitMetrics, coalescePredictions, ...runtime } = options;
  const loaded = await loadPredictor(config.modelDir);
  const predictor = coalescePredictions
    ? coalescingPredictor(loaded, HTTP_LIMITS.maxHouseholdsPerModelRun)
    : loaded;
  const logger = new Logger({ serviceName: SERVICE_NAME });
  const metrics = emitMetrics
    ? new Metrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME })
    : undefined;
  const app = createApp({ predictor, observer: createObserver(logger, metrics), ...runtime });
  return { app, logger, modelVersion: predictor.modelVersion };
}
