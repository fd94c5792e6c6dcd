import { type Context, Hono } from 'hono';
import type { Predictor } from '../../model/src/predictor.ts';
import { readJsonBody } from './json-body.ts';
import { HTTP_LIMITS } from './limits.ts';
import { type Observer, requestRecordOf } from './observability.ts';
import { openApiDocument } from './openapi.ts';
import { householdPredictionOf, predictCommandOf } from './predict.ts';
import { problem, problemResponse, serverFaultProblem } from './problem.ts';

/**
 * The one HTTP app behind both the Lambda handler and the local server. It knows only fetch's Request and
 * Response; the runtime adapters pass in how to name a request, where its body already is, and where its
 * records go.
 */

export interface AppDependencies {
  predictor: Predictor;
  observer: Observer;
  /** What the runtime says about a request, from the adapter's env (the Lambda context) or made up locally. */
  invocationOf: (env: unknown) => Invocation;
  /** A body the runtime already holds in memory (a Lambda event's); when undefined it is read from the Request. */
  bufferedBodyOf?: (env: unknown) => Uint8Array | undefined;
  /**
   * The runtime records each request itself, after turning the app's Response into what it sends: the Lambda
   * adapter does, so that a conversion that fails is recorded as the 500 the client gets. Otherwise the app does.
   */
  runtimeRecordsRequests?: boolean;
}

export interface Invocation {
  requestId: string;
  /** The qualifier the Lambda function was invoked with (see lambda/context.ts); absent off Lambda. */
  alias?: string;
}

type AppEnv = { Variables: { requestId: string } };

export function createApp({
  predictor,
  observer,
  invocationOf,
  bufferedBodyOf,
  runtimeRecordsRequests = false,
}: AppDependencies): Hono<AppEnv> {
  const { modelVersion } = predictor;
  // Generated on first request, not at init: a Lambda cold start should not pay for a document few clients read.
  let openApi: string | undefined;

  async function predict(c: Context<AppEnv>): Promise<Response> {
    const body = await readJsonBody(c.req.raw, HTTP_LIMITS.maxBodyBytes, bufferedBodyOf?.(c.env));
    if (!body.ok) return problemResponse(body.problem);
    const command = predictCommandOf(body.value);
    if (!command.ok) return problemResponse(command.problem);
    const kwhByHousehold = await predictor.predict(command.households);
    if (kwhByHousehold.length !== command.households.length) {
      throw new Error(
        `The model answered ${kwhByHousehold.length} rows for ${command.households.length} households.`,
      );
    }
    const predictions = kwhByHousehold.map(householdPredictionOf);
    if (command.kind === 'batch') return c.json({ modelVersion, predictions });
    return c.json({ modelVersion, ...predictions[0] });
  }

  /** The routing table; a known path asked with another method gets 405 with the Allow header derived from it. */
  const routes = [
    { method: 'POST', path: '/predict', handle: predict },
    {
      method: 'GET',
      path: '/health',
      handle: (c: Context<AppEnv>) => c.json({ status: 'ok', modelVersion }),
    },
    {
      method: 'GET',
      path: '/openapi.json',
      handle: (c: Context<AppEnv>) => {
        openApi ??= JSON.stringify(openApiDocument(modelVersion));
        return c.body(openApi, 200, { 'content-type': 'application/json' });
      },
    },
  ] as const;

  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const startedAt = performance.now();
    const { requestId, alias } = invocationOf(c.env);
    c.set('requestId', requestId);
    await next();
    if (runtimeRecordsRequests) return;
    const { method, path } = c.req;
    observer.requestCompleted(
      requestRecordOf({ requestId, alias, method, path, status: c.res.status, startedAt, modelVersion }),
    );
  });

  for (const { method, path, handle } of routes) app.on(method, path, handle);
  for (const path of new Set(routes.map((route) => route.path))) {
    const methods = routes.filter((route) => route.path === path).map((route) => route.method);
    // Hono answers HEAD with the GET handler, so HEAD is allowed wherever GET is.
    const allow = methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])).join(', ');
    app.all(path, (c) =>
      problemResponse(problem(405, `${c.req.method} is not allowed on ${path}; use ${allow}.`), { allow }),
    );
  }

  app.notFound((c) =>
    problemResponse(
      problem(
        404,
        `No resource at ${c.req.path}; the API serves ${routes.map((route) => route.path).join(', ')}.`,
      ),
    ),
  );

  app.onError((error, c) => {
    observer.unexpectedError(c.get('requestId') ?? 'unknown', error);
    return problemResponse(serverFaultProblem());
  });

  return app;
}
