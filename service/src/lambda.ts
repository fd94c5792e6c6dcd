import { readConfig } from './config.ts';
import { type LambdaBindings, lambdaHandler } from './lambda-adapter.ts';
import { createService } from './service.ts';
import { installTextResponse } from './text-response.ts';

/**
 * The Lambda entry. Everything above the handler runs once per execution environment, in the init phase:
 * a missing or corrupt model fails init with the file's name instead of failing every invocation.
 */

installTextResponse();

const config = readConfig(process.env, process.cwd());

const { app } = await createService(config, {
  coalescePredictions: false,
  emitMetrics: true,
  requestIdOf: (env) => (env as LambdaBindings).lambdaContext.awsRequestId,
  bufferedBodyOf: (env) => (env as LambdaBindings).body,
});

export const handler = lambdaHandler(app);
