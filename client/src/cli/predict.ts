/**
 * `npm run predict -- --url URL [--iam] '<json>'`: one call through the client. Prints the answer on stdout and
 * each retry on stderr; exits 0 answered, 1 usage, 2 refused (a 4xx: the request is wrong), 3 gave up.
 */
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { describeError } from '../../../common/errors.ts';
import { createPredictClient } from '../client.ts';
import { GiveUpError, ProblemError } from '../errors.ts';
import { createSigV4Signer, signingRegion } from '../sigv4.ts';
import { PREDICT_EXIT, PREDICT_USAGE, parsePredictArgs } from './predict-args.ts';

const log = (message: string) => process.stderr.write(`predict: ${message}\n`);

async function main(): Promise<number> {
  const args = parsePredictArgs(process.argv.slice(2));
  const client = createPredictClient({
    url: args.url,
    ...(args.iam ? { signer: createSigV4Signer({ region: signingRegion(args.url, process.env) }) } : {}),
    onRetry: ({ attempt, delayMs, cause }) =>
      log(`attempt ${attempt} failed: ${describeError(cause)}; retrying in ${delayMs} ms`),
  });
  // Ctrl-C ends the call at once instead of after its retries.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted (SIGINT)')));
  try {
    const answer =
      args.request.kind === 'single'
        ? await client.predict(args.request.household, { signal: controller.signal })
        : await client.predictBatch(args.request.households, { signal: controller.signal });
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return PREDICT_EXIT.answered;
  } catch (error) {
    if (error instanceof ProblemError) {
      log(describeError(error));
      return PREDICT_EXIT.refused;
    }
    if (error instanceof GiveUpError) {
      log(describeError(error));
      return PREDICT_EXIT.gaveUp;
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'predict', usage: PREDICT_USAGE, failureCode: PREDICT_EXIT.usage }, main);
}
