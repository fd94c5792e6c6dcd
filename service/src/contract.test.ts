import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_LIMITS } from './limits.ts';
import { EXAMPLE_PREDICT_REQUEST } from './openapi.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { batchResponse, healthResponse, predictResponse, problemResponse } from './schema.ts';
import { jsonTestSuiteCases } from './testing/json-test-suite.ts';
import { realApp } from './testing/real-app.ts';

/** The HTTP contract of docs/api.md, status by status, against the real trained model. */

const issueExample = EXAMPLE_PREDICT_REQUEST;

let service: Awaited<ReturnType<typeof realApp>>;
beforeAll(async () => {
  service = await realApp();
});

async function expectProblem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const problem = problemResponse.parse(await response.json());
  expect(problem.status).toBe(status);
  return problem;
}

describe('200', () => {
  it('predicts the example household: 12 months, the known month kept, the sum as annual', async () => {
    const response = await service.postJson(issueExample);

    expect(response.status).toBe(200);
    const json = (await response.json()) as object;
    expect(Object.keys(json)).toEqual(['modelVersion', 'unit', 'monthly', 'annualKwh']);
    const body = predictResponse.parse(json);
    expect(body.modelVersion).toBe(service.predictor.modelVersion);
    expect(Math.abs((body.monthly[7]?.kwh ?? 0) / 420 - 1)).toBeLessThanOrEqual(0.01);
    expect(
      Math.abs(body.annualKwh - body.monthly.reduce((sum, { kwh }) => sum + kwh, 0)),
    ).toBeLessThanOrEqual(0.5);
  });

  it('answers the defaults as if they had been sent', async () => {
    const { housing: _housing, allElectric: _allElectric, ...minimal } = issueExample;
    const [explicit, implicit] = await Promise.all([
      service.postJson(issueExample),
      service.postJson(minimal),
    ]);
    expect(await implicit.json()).toEqual(await explicit.json());
  });

  it(`predicts a full batch of ${HTTP_LIMITS.maxBatchInstances}`, async () => {
    const instances = Array.from({ length: HTTP_LIMITS.maxBatchInstances }, (_, index) => ({
      ...issueExample,
      householdSize: (index % 10) + 1,
    }));

    const response = await service.postJson({ instances });

    expect(response.status).toBe(200);
    const body = batchResponse.parse(await response.json());
    expect(body.predictions).toHaveLength(HTTP_LIMITS.maxBatchInstances);
  });

  it('reports health with the model version', async () => {
    const response = await service.app.request('/health');
    expect(healthResponse.parse(await response.json())).toEqual({
      status: 'ok',
      modelVersion: service.predictor.modelVersion,
    });
  });
});

describe('4xx', () => {
  it('400 for invalid JSON', async () => {
    await expectProblem(await service.postJson('{"area": "tokyo",'), 400);
  });

  it('400 listing every offending field of every instance', async () => {
    const instances = [issueExample, { ...issueExample, area: 'narnia', knownUsage: { month: 13, kwh: -5 } }];
    const problem = await expectProblem(await service.postJson({ instances, extra: true }), 400);
    expect(problem.errors.map((error) => error.path).sort()).toEqual([
      '/extra',
      '/instances/1/area',
      '/instances/1/knownUsage/kwh',
      '/instances/1/knownUsage/month',
    ]);
  });

  it('413 for a body over 64 KiB', async () => {
    const instances = Array.from({ length: 600 }, () => issueExample);
    await expectProblem(await service.postJson({ instances }), 413);
  });

  it('415 for a body that is not JSON', async () => {
    const response = await service.app.request('/predict', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'area,householdSize\ntokyo,3',
    });
    await expectProblem(response, 415);
  });

  it('404 for an unknown path', async () => {
    await expectProblem(await service.app.request('/v1/predict'), 404);
  });

  it('405 for a wrong method', async () => {
    const problem = await expectProblem(await service.app.request('/predict', { method: 'DELETE' }), 405);
    expect(problem.detail).toMatch(/use POST/);
  });
});

describe('the JSONTestSuite parsing corpus as request bodies', () => {
  it.each(jsonTestSuiteCases())('$name gets a 4xx', async ({ bytes }) => {
    const response = await service.app.request('/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    const expected = bytes.byteLength > HTTP_LIMITS.maxBodyBytes ? 413 : 400;
    await expectProblem(response, expected);
  });
});
