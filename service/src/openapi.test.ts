import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HTTP_LIMITS } from './limits.ts';
import { openApiDocument } from './openapi.ts';
import { householdRequest, SMALLEST_USABLE_KWH } from './schema.ts';

const document = openApiDocument('v-test');

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
  );
}

describe('openApiDocument', () => {
  it('is OpenAPI 3.1 versioned by the model', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { version: 'v-test' } });
  });

  it('resolves every $ref to a component', () => {
    const names = Object.keys(document.components.schemas);
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(names).toContain(ref.replace('#/components/schemas/', ''));
  });

  it('describes the request with the schema the validator runs, not a second copy', () => {
    const { $schema: _dialect, ...generated } = z.toJSONSchema(householdRequest, {
      target: 'draft-2020-12',
      io: 'input',
    });
    expect(document.components.schemas.HouseholdRequest).toEqual(generated);
  });

  it('carries the domain limits and forbids unknown fields', () => {
    expect(document.components.schemas.HouseholdRequest).toMatchObject({
      additionalProperties: false,
      required: ['area', 'householdSize', 'knownUsage'],
      properties: {
        householdSize: { type: 'integer', minimum: 1, maximum: 10 },
        knownUsage: { properties: { kwh: { minimum: SMALLEST_USABLE_KWH, maximum: 10_000 } } },
      },
    });
    expect(document.components.schemas.BatchRequest).toMatchObject({
      properties: { instances: { minItems: 1, maxItems: HTTP_LIMITS.maxBatchInstances } },
    });
  });

  it('documents every status code of /predict', () => {
    expect(Object.keys(document.paths['/predict'].post.responses).sort()).toEqual([
      '200',
      '400',
      '405',
      '413',
      '415',
      '500',
    ]);
  });

  it('has examples the validator accepts', () => {
    const { single, batch } =
      document.paths['/predict'].post.requestBody.content['application/json'].examples;
    expect(householdRequest.safeParse(single.value).success).toBe(true);
    for (const instance of batch.value.instances)
      expect(householdRequest.safeParse(instance).success).toBe(true);
  });

  it('keeps no standalone-document keys inside components', () => {
    for (const schema of Object.values(document.components.schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });
});
