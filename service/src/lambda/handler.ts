import type { Context } from 'aws-lambda';
import type { Invocation } from '../app.ts';
import { type Observer, requestRecordOf } from '../observability.ts';
import { problem, problemResponse, serverFaultProblem } from '../problem.ts';
import { aliasOf } from './context.ts';
import { bodyOf, MalformedEventError, requestOf } from './event.ts';
import { type HttpResult, resultOf } from './result.ts';

/**
 * The Lambda handler around the app, with Hono's error policy (hono/aws-lambda): an event that is no HTTP
 * request this function can read is the caller's fault, a 400 problem; any other failure is logged and
 * answered with a 500 that says nothing of its cause.
 *
 * The handler, not the app, records each request (one log line, and for POST /predict the one `Latency` value
 * the SLO counts), after the Response has become the result: the status recorded is the one the client gets,
 * also when the app throws or its Response cannot be sent (more cookies than an ALB can carry).
 */

/** What the app finds in its env on Lambda. */
export interface LambdaBindings {
  lambdaContext: Context;
  /** The decoded event body, or undefined when the event has none. */
  body: Uint8Array | undefined;
}

interface Fetchable {
  fetch(request: Request, bindings: LambdaBindings): Response | Promise<Response>;
}

/** The app's hooks for reading its env on Lambda, and its word that this handler records each request. */
export const LAMBDA_BINDINGS = {
  invocationOf: (env: unknown): Invocation => {
    const { lambdaContext } = env as LambdaBindings;
    return { requestId: lambdaContext.awsRequestId, alias: aliasOf(lambdaContext) };
  },
  bufferedBodyOf: (env: unknown) => (env as LambdaBindings).body,
  runtimeRecordsRequests: true,
};

const EVENT_SOURCES = 'a Function URL, an API Gateway HTTP API (payload 2.0) or an Application Load Balancer';

/** A result every event source accepts, for an event whose own source could not be told. */
async function plainResult(response: Response): Promise<HttpResult> {
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
    isBase64Encoded: false,
  };
}

export interface LambdaHandlerDependencies {
  /** The app, built with LAMBDA_BINDINGS: it reads its env from them and leaves the records to this handler. */
  app: Fetchable;
  observer: Observer;
  modelVersion: string;
}

export function lambdaHandler({ app, observer, modelVersion }: LambdaHandlerDependencies) {
  return async (input: unknown, context: Context): Promise<HttpResult> => {
    const startedAt = performance.now();
    let parsed: ReturnType<typeof requestOf>;
    try {
      parsed = requestOf(input);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) {
        observer.unexpectedError(context.awsRequestId, error);
        return plainResult(problemResponse(serverFaultProblem()));
      }
      observer.malformedEvent(context.awsRequestId, error);
      return plainResult(
        problemResponse(
          problem(400, `The event is not an HTTP request from ${EVENT_SOURCES}: ${error.message}.`),
        ),
      );
    }
    const { event, request } = parsed;
    let result: HttpResult;
    try {
      result = await resultOf(
        event,
        await app.fetch(request, { lambdaContext: context, body: bodyOf(event) }),
      );
    } catch (error) {
      observer.unexpectedError(context.awsRequestId, error);
      result = await resultOf(event, problemResponse(serverFaultProblem()));
    }
    observer.requestCompleted(
      requestRecordOf({
        requestId: context.awsRequestId,
        alias: aliasOf(context),
        method: request.method,
        path: new URL(request.url).pathname,
        status: result.statusCode,
        startedAt,
        modelVersion,
      }),
    );
    return result;
  };
}
