/** Where POST /predict is, and what a signer needs for a Lambda Function URL with auth type AWS_IAM. */

/** The service's prediction endpoint, appended to the target base URL. */
export const PREDICT_PATH = '/predict';

/** `http://host:3000` or `https://abc.lambda-url.../` -> the predict URL; a target must be an http(s) URL. */
export function predictUrl(target: string): string {
  if (!/^https?:\/\/[^/]+/.test(target)) {
    throw new Error(`target must be an http(s) base URL like http://127.0.0.1:3000, got "${target}"`);
  }
  return `${target.replace(/\/+$/, '')}${PREDICT_PATH}`;
}

/** SigV4 service name of a Lambda Function URL with auth type AWS_IAM. */
export const FUNCTION_URL_SIGNING_SERVICE = 'lambda';

/** `https://<id>.lambda-url.<region>.on.aws/` -> its region; null for any other host. */
export function functionUrlRegion(target: string): string | null {
  const host = /^https?:\/\/([^/:]+)/.exec(target)?.[1] ?? '';
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(host)?.[1] ?? null;
}
