import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { CONFIG_DEFAULTS } from './config.ts';
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
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      const [kind, name] = ref.replace('#/components/', '').split('/');
      expect(Object.keys(document.components[kind as keyof typeof document.components])).toContain(name);
    }
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

  it("documents every status code of /predict, with Lambda's 403 and 429 in front of the app", () => {
    expect(Object.keys(document.paths['/predict'].post.responses).sort()).toEqual([
      '200',
      '400',
      '403',
      '405',
      '413',
      '415',
      '429',
      '500',
    ]);
  });

  it('gives every operation an operationId, a declared tag and a 4xx answer', () => {
    const tags = document.tags.map((tag) => tag.name);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.operationId, path).toMatch(/^\w+$/);
        for (const tag of operation.tags) expect(tags).toContain(tag);
        expect(Object.keys(operation.responses).filter((status) => status.startsWith('4'))).not.toEqual([]);
      }
    }
  });

  it('declares the Function URL and the local server, whose address is the config default', () => {
    expect(document.servers.map((server) => server.url)).toEqual([
      'https://{urlId}.lambda-url.{region}.on.aws',
      `http://${CONFIG_DEFAULTS.host}:${CONFIG_DEFAULTS.port}`,
    ]);
  });

  it('asks for SigV4 on every operation, as API Gateway exports an IAM-authorized API', () => {
    expect(document.security).toEqual([{ sigv4: [] }]);
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
  });

  it("carries the project's licence", () => {
    expect(document.info.license).toEqual({ name: packageJson.license, identifier: packageJson.license });
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
