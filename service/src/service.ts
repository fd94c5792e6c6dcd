import { Logger } from '@aws-lambda-powertools/logger';
import { loadPredictor } from '../../model/src/predictor.ts';
import { type AppDependencies, createApp } from './app.ts';
import { coalescingPredictor } from './coalescing-predictor.ts';
import { ConfigError, type ServiceConfig, STAGE_ENVIRONMENT_VARIABLE } from './config.ts';
import { HTTP_LIMITS } from './limits.ts';
import { createObserver, type MetricsTarget, powertoolsMetrics, SERVICE_NAME } from './observability.ts';

/**
 * Wires the app for a runtime: loads the model (throwing with the file's name when it is missing or corrupt),
 * builds the Powertools logger and, where asked, the EMF metrics.
 */
export interface ServiceOptions {
  /** EMF to stdout: on for Lambda, where CloudWatch turns it into metrics; off locally, where it is noise. */
  emitMetrics: boolean;
  /** Merge concurrent requests into shared model runs: for the server; a Lambda sees one request at a time. */
  coalescePredictions: boolean;
  invocationOf: AppDependencies['invocationOf'];
  bufferedBodyOf?: AppDependencies['bufferedBodyOf'];
  runtimeRecordsRequests?: AppDependencies['runtimeRecordsRequests'];
}

function metricsTargetOf(config: ServiceConfig, logger: Logger): MetricsTarget {
  if (config.stage === undefined) {
    throw new ConfigError(
      `${STAGE_ENVIRONMENT_VARIABLE} is not set, and every metric needs its Stage dimension; ` +
        `set ${STAGE_ENVIRONMENT_VARIABLE} to the stage's name (the CDK stack does).`,
    );
  }
  return {
    sink: powertoolsMetrics(config.metricsNamespace, logger),
    stage: config.stage,
    functionVersion: config.functionVersion,
  };
}

export async function createService(config: ServiceConfig, options: ServiceOptions) {
  const { emitMetrics, coalescePredictions, ...runtime } = options;
  const logger = new Logger({ serviceName: SERVICE_NAME });
  // Before the model loads, so a missing variable fails init at once.
  const metrics = emitMetrics ? metricsTargetOf(config, logger) : undefined;
  const loaded = await loadPredictor(config.modelDir);
  const predictor = coalescePredictions
    ? coalescingPredictor(loaded, HTTP_LIMITS.maxHouseholdsPerModelRun)
    : loaded;
  const observer = createObserver(logger, metrics);
  const app = createApp({ predictor, observer, ...runtime });
  return { app, logger, observer, modelVersion: predictor.modelVersion };
}
