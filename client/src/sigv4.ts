/**
 * SigV4 signing for a Lambda Function URL with auth type AWS_IAM: without it every request is answered 403.
 * Signs the exact body bytes that are sent, for service `lambda`, with credentials from the default chain
 * (environment, SSO, shared files, container or instance roles) unless the caller supplies them.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { FUNCTION_URL_SIGNING_SERVICE, functionUrlRegion } from './endpoint.ts';

export interface RequestToSign {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** Headers to send with the request: the given ones plus host, x-amz-date, x-amz-content-sha256, authorization
 * (and x-amz-security-token for temporary credentials). */
export type RequestSigner = (request: RequestToSign) => Promise<Record<string, string>>;

/** Fixed keys, or a provider the signer calls (and the chain caches) before each signature. */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export function createSigV4Signer(options: {
  region: string;
  credentials?: SigningCredentials;
}): RequestSigner {
  const signer = new SignatureV4({
    service: FUNCTION_URL_SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  return async ({ url, headers, body }) => {
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        // The host header is signed; undici sends the same value.
        headers: { ...headers, host: url.host },
        body,
      }),
    );
    return signed.headers;
  };
}

/** The region to sign for: the Function URL's own, else AWS_REGION / AWS_DEFAULT_REGION. */
export function signingRegion(target: string, env: Readonly<Record<string, string | undefined>>): string {
  const region = functionUrlRegion(target) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error(
      `cannot tell which region to sign for: ${target} is not a Function URL (https://<id>.lambda-url.<region>.on.aws) ` +
        'and AWS_REGION is not set; set AWS_REGION',
    );
  }
  return region;
}
