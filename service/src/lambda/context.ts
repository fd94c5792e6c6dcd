import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { UNQUALIFIED_ALIAS } from '../observability.ts';

/** The Lambda Context: what the service reads from it, and one made up for running the handler elsewhere. */

/**
 * The qualifier the caller invoked: `live` for `arn:…:function:predictor:live`, a version number for a version
 * ARN, and $LATEST for the bare function ARN.
 */
export function aliasOf(context: Pick<Context, 'invokedFunctionArn'>): string {
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  return context.invokedFunctionArn.split(':')[7] || UNQUALIFIED_ALIAS;
}

/** The Context the Lambda runtime would pass, for running the handler outside Lambda (invoke CLI, tests, bench). */
export function localLambdaContext(functionName = 'predictor', timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  const callbackStyle = (): never => {
    throw new Error('callback-style completion is not supported; the handler returns a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: callbackStyle,
    fail: callbackStyle,
    succeed: callbackStyle,
  };
}
