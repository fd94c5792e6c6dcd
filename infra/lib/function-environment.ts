// The service reads its stage from this variable (the Stage dimension of its metrics): it names it, we set it.
import { STAGE_ENVIRONMENT_VARIABLE } from '../../service/src/config.ts';

/**
 * The environment variables the stack gives the predictor function on Lambda. Plain data without CDK, so the
 * image's smoke test starts its container with exactly these (pipeline/src/image-smoke-env.ts): an image that
 * fails init without one of them then fails in the pull request, not in the deploy.
 */
export function predictionFunctionEnvironment(stage: string): Record<string, string> {
  return { [STAGE_ENVIRONMENT_VARIABLE]: stage };
}
