import { readConfig } from '../config.ts';
import { createService } from '../service.ts';
import { LAMBDA_BINDINGS, lambdaHandler } from './handler.ts';

/**
 * The Lambda entry (built to dist/service/lambda.mjs, which exports `handler`). Everything above the handler
 * runs once per execution environment, in the init phase: a missing variable or a missing or corrupt model
 * fails init with its name instead of failing every invocation.
 */

const config = readConfig(process.env, process.cwd());

const { app, observer, modelVersion } = await createService(config, {
  // One request at a time per execution environment: there is nothing to merge.
  coalescePredictions: false,
  emitMetrics: true,
  ...LAMBDA_BINDINGS,
});

export const handler = lambdaHandler({ app, observer, modelVersion });
