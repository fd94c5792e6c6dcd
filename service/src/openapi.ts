import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { CONFIG_DEFAULTS } from './config.ts';
import { HTTP_LIMITS } from './limits.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import {
  batchRequest,
  batchResponse,
  healthResponse,
  householdPrediction,
  householdRequest,
  predictResponse,
  problemResponse,
} from './schema.ts';

/**
 * The OpenAPI 3.1 document of the API, generated from the very zod schemas the validator runs, so the document
 * cannot drift from what is enforced.
 */

const COMPONENTS = {
  HouseholdRequest: householdRequest,
  BatchRequest: batchRequest,
  HouseholdPrediction: householdPrediction,
  PredictResponse: predictResponse,
  BatchResponse: batchResponse,
  HealthResponse: healthResponse,
  Problem: problemResponse,
} as const;

type ComponentName = keyof typeof COMPONENTS;

/** The example body: the document's example, the contract tests' first case and the benchmarks' request. */
export const EXAMPLE_PREDICT_REQUEST = {
  area: 'tokyo',
  householdSize: 3,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month: 8, kwh: 420 },
};

function componentSchemas(): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // A component is not a standalone document: OpenAPI 3.1 fixes the dialect, and a fragment $id is invalid.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

/**
 * A Function URL with AWS_IAM auth (the stages' default, infra/config/stages.ts) takes SigV4-signed requests only.
 * OpenAPI has no SigV4 type, so this is what API Gateway writes when it exports an IAM-authorized API: an `apiKey`
 * in the Authorization header marked `x-amazon-apigateway-authtype: awsSigv4`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html), which
 * API Gateway imports back as IAM auth and tools show as "send an Authorization header".
 */
const SIGV4_SCHEME = {
  type: 'apiKey',
  in: 'header',
  name: 'Authorization',
  'x-amazon-apigateway-authtype': 'awsSigv4',
  description:
    'AWS Signature Version 4 for the Lambda Function URL (service `lambda`, the URL\u2019s region), signed with ' +
    'credentials allowed lambda:InvokeFunctionUrl on the function. The local server and a stage whose ' +
    'Function URL auth type is NONE check no signature; a signed request is served there too.',
} as const;

/**
 * Answers Lambda gives in front of the app on a Function URL, in its own JSON rather than problem+json: 403 for a
 * request an AWS_IAM URL does not authorize (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), 429 for
 * an invocation over the function's concurrency (the Throttles metric counts these "error code 429",
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 */
const FUNCTION_URL_RESPONSES = {
  Forbidden: {
    description:
      'Lambda refused the request before the app saw it: no or a wrong SigV4 signature, or credentials without ' +
      'lambda:InvokeFunctionUrl (AWS_IAM Function URL only).',
  },
  Throttled: {
    description:
      'Lambda throttled the invocation (the function\u2019s concurrency is used up); retry with backoff, honouring ' +
      'Retry-After when present. The body is Lambda\u2019s, not problem+json.',
  },
} as const;

type FunctionUrlResponse = keyof typeof FUNCTION_URL_RESPONSES;

const responseRef = (name: FunctionUrlResponse) => ({ $ref: `#/components/responses/${name}` });

/** Every operation is behind the Function URL, so each can get its 403 and 429 besides the app's own problems. */
const functionUrlResponses = { 403: responseRef('Forbidden'), 429: responseRef('Throttled') };

function problemResponses(descriptions: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [
      status,
      { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } },
    ]),
  );
}

const methodNotAllowed = (allowed: string) =>
  `Method not allowed on this path; the Allow header says ${allowed}`;

/** Tags group the operations for readers of the document: the prediction itself, and what operators probe. */
const TAGS = {
  predictions: 'Monthly electricity use predicted from one known bill',
  service: 'Liveness and this contract',
} as const;

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

/**
 * Where the API answers: the stage's Function URL, and `npm start` on this machine. The URL's id and Region are
 * variables, read off the stack's Function URL output (infra/lib/names.ts; not imported, since the image's build
 * context holds service/src, not infra/lib).
 */
const SERVERS = [
  {
    url: 'https://{urlId}.lambda-url.{region}.on.aws',
    description: "The stage's Lambda Function URL on the live alias (the stack's Function URL output)",
    variables: {
      urlId: { default: 'url-id', description: "The URL's id: the first label of its host name" },
      region: { default: 'ap-northeast-1', description: 'The AWS Region the stack is deployed in' },
    },
  },
  {
    url: `http://${CONFIG_DEFAULTS.host}:${CONFIG_DEFAULTS.port}`,
    description: 'The local server (npm start; HOST and PORT change it)',
  },
];

export function openApiDocument(modelVersion: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'shiftgate predictor',
      version: modelVersion,
      description:
        'Predicts a household’s monthly electricity use for a year from one known monthly bill. ' +
        `Bodies over ${HTTP_LIMITS.maxBodyBytes} bytes get 413; a batch holds 1 to ${HTTP_LIMITS.maxBatchInstances} households. ` +
        'Every error the app answers is RFC 9457 application/problem+json; POST /predict is a pure function, so ' +
        'a request that failed with 429, 500, 502, 503, 504 or a network error is safe to repeat.',
      license: { name: packageJson.license, identifier: packageJson.license },
    },
    servers: SERVERS,
    security: [{ sigv4: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths: {
      '/predict': {
        post: {
          operationId: 'predict',
          tags: ['predictions'],
          summary: 'Predict 12 months of kWh for one household or a batch',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [ref('HouseholdRequest'), ref('BatchRequest')] },
                examples: {
                  single: { value: EXAMPLE_PREDICT_REQUEST },
                  batch: {
                    value: {
                      instances: [EXAMPLE_PREDICT_REQUEST, { ...EXAMPLE_PREDICT_REQUEST, area: 'hokkaido' }],
                    },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'A prediction per household, months 1..12 in order',
              ...json({ oneOf: [ref('PredictResponse'), ref('BatchResponse')] }),
            },
            ...problemResponses({
              400: 'Invalid JSON, or a body not matching the schema; `errors` lists every offending field',
              405: methodNotAllowed('POST'),
              413: `Body over ${HTTP_LIMITS.maxBodyBytes} bytes`,
              415: 'Content-Type is not application/json',
              500: 'Server fault; details are in the logs only',
            }),
            ...functionUrlResponses,
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          tags: ['service'],
          summary: 'Liveness, and the model version being served',
          responses: {
            200: { description: 'Serving', ...json(ref('HealthResponse')) },
            ...problemResponses({ 405: methodNotAllowed('GET, HEAD') }),
            ...functionUrlResponses,
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          tags: ['service'],
          summary: 'This document',
          responses: {
            200: { description: 'OpenAPI 3.1 document', ...json({ type: 'object' }) },
            ...problemResponses({ 405: methodNotAllowed('GET, HEAD') }),
            ...functionUrlResponses,
          },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      responses: FUNCTION_URL_RESPONSES,
      securitySchemes: { sigv4: SIGV4_SCHEME },
    },
  };
}
