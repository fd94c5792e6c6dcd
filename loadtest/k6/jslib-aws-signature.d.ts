/**
 * Types for the part of k6's AWS jslib the script uses (https://grafana.com/docs/k6/latest/javascript-api/jslib/aws/signaturev4/).
 * k6 fetches the module at start-up; @types/k6 does not describe remote jslibs, so `tsc` needs this declaration.
 */
declare module 'https://jslib.k6.io/aws/0.14.0/signature.js' {
  export class Endpoint {
    constructor(url: string);
  }

  export interface SignatureV4Options {
    service: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    uriEscapePath?: boolean;
    applyChecksum?: boolean;
  }

  export interface RequestToSign {
    method: string;
    endpoint: Endpoint;
    path: string;
    headers: Record<string, string>;
    body?: string | ArrayBuffer;
    query?: Record<string, string | string[]>;
  }

  export class SignatureV4 {
    constructor(options: SignatureV4Options);
    sign(
      request: RequestToSign,
      options?: { signingDate?: Date; signingService?: string; signingRegion?: string },
    ): { url: string; headers: Record<string, string> };
  }
}
