import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { readConfig } from './config.ts';
import { routableEvent } from './lambda-event.ts';
import { createService } from './service.ts';

/**
 * The Lambda entry. Everything above the handler runs once per execution environment, in the init phase:
 * a missing or corrupt model fails init with the file's name instead of failing every invocation.
 */

const config = readConfig(process.env, process.cwd());

const { app } = await createService(config, {
  coalescePredictions: false,
  emitMetrics: true,
  requestIdOf: (env) =>
    (env as { lambdaContext?: Context } | undefined)?.lambdaContext?.awsRequestId ?? 'unknown',
});

const handleHttpEvent = handle(app);

type HttpEvent = Parameters<typeof handleHttpEvent>[0];

export const handler = (event: HttpEvent, context: Context) => handleHttpEvent(routableEvent(event), context);
