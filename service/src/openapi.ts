import { z } from 'zod';
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

function problemResponses(descriptions: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [
      status,
      { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } },
    ]),
  );
}

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

export function openApiDocument(modelVersion: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'shiftgate predictor',
      version: modelVersion,
      description:
        'Predicts a household’s monthly electricity use for a year from one known monthly bill. ' +
        `Bodies over ${HTTP_LIMITS.maxBodyBytes} bytes get 413; a batch holds 1 to ${HTTP_LIMITS.maxBatchInstances} households.`,
    },
    paths: {
      '/predict': {
        post: {
          operationId: 'predict',
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
              405: 'Method not allowed on this path',
              413: `Body over ${HTTP_LIMITS.maxBodyBytes} bytes`,
              415: 'Content-Type is not application/json',
              500: 'Server fault; details are in the logs only',
            }),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness, and the model version being served',
          responses: { 200: { description: 'Serving', ...json(ref('HealthResponse')) } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { 200: { description: 'OpenAPI 3.1 document', ...json({ type: 'object' }) } },
        },
      },
    },
    components: { schemas: componentSchemas() },
  };
}
