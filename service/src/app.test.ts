import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { HTTP_LIMITS } from './limits.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { batchResponse, healthResponse, predictResponse, problemResponse } from './schema.ts';
import { fakePredictor } from './testing/fake-predictor.ts';
import { recordingObserver } from './testing/recording-observer.ts';

/** HTTP-layer behaviour with a fake model; the same contract against the real artifact is in contract.test.ts. */

const household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };

function setup(predictor = fakePredictor()) {
  const observer = recordingObserver();
  let nextId = 0;
  const app = createApp({ predictor, observer, invocationOf: () => ({ requestId: `req-${++nextId}` }) });
  const postJson = (body: unknown, path = '/predict') =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, observer, predictor, postJson };
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  return problemResponse.parse(await response.json());
}

describe('POST /predict', () => {
  it('answers one household with 12 months and their sum', async () => {
    const { postJson } = setup();

    const response = await postJson(household);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = predictResponse.parse(await response.json());
    expect(body.modelVersion).toBe('fake-0000');
    expect(body.monthly[7]?.kwh).toBeCloseTo(420, 6);
  });

  it('answers a batch in request order with one model call', async () => {
    const { postJson, predictor } = setup();
    const instances = [household, { ...household, knownUsage: { month: 1, kwh: 900 } }];

    const response = await postJson({ instances });

    expect(response.status).toBe(200);
    const body = batchResponse.parse(await response.json());
    expect(body.predictions).toHaveLength(2);
    expect(body.predictions[0]?.monthly[7]?.kwh).toBeCloseTo(420, 6);
    expect(body.predictions[1]?.monthly[0]?.kwh).toBeCloseTo(900, 6);
    expect(predictor.calls).toHaveLength(1);
  });

  it('accepts application/json; charset=utf-8', async () => {
    const { app } = setup();
    const response = await app.request('/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(household),
    });
    expect(response.status).toBe(200);
  });

  it('answers 400 listing every offending field', async () => {
    const { postJson } = setup();

    const response = await postJson({ ...household, area: 'mars', householdSize: 0, colour: 'red' });

    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['/area', '/colour', '/householdSize']);
  });

  it('answers 400 for invalid JSON', async () => {
    const { postJson } = setup();
    const problem = await problemOf(await postJson('{"area":'));
    expect(problem).toMatchObject({
      status: 400,
      title: 'Bad Request',
      detail: expect.stringMatching(/not valid JSON/),
    });
  });

  it('answers 413 for a body over the limit without calling the model', async () => {
    const { postJson, predictor } = setup();
    const problem = await problemOf(await postJson(`[${'0,'.repeat(HTTP_LIMITS.maxBodyBytes / 2)}0]`));
    expect(problem.status).toBe(413);
    expect(predictor.calls).toHaveLength(0);
  });

  it.each([
    { name: 'no content type', headers: {} as Record<string, string> },
    { name: 'text/plain', headers: { 'content-type': 'text/plain' } },
    { name: 'form data', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ])('answers 415 for $name', async ({ headers }) => {
    const { app } = setup();
    const response = await app.request('/predict', {
      method: 'POST',
      headers,
      body: JSON.stringify(household),
    });
    expect((await problemOf(response)).status).toBe(415);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'])(
    'answers %s with 405 and Allow: POST',
    async (method) => {
      const { app } = setup();
      const response = await app.request('/predict', { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    },
  );
});

describe('GET /health and /openapi.json', () => {
  it('reports ok with the model version', async () => {
    const { app } = setup();
    const response = await app.request('/health');
    expect(healthResponse.parse(await response.json())).toEqual({ status: 'ok', modelVersion: 'fake-0000' });
  });

  it('serves the OpenAPI document', async () => {
    const { app } = setup();
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ openapi: '3.1.0', info: { version: 'fake-0000' } });
  });

  it.each(['/health', '/openapi.json'])('answers POST %s with 405 and Allow: GET, HEAD', async (path) => {
    const { postJson } = setup();
    const response = await postJson(household, path);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('anything else', () => {
  it.each(['/', '/predict/', '/Predict', '/predict/extra', '/%ZZ'])('answers %s with 404', async (path) => {
    const { app } = setup();
    expect((await problemOf(await app.request(path))).status).toBe(404);
  });

  it('turns a model failure into a logged 500 that leaks nothing', async () => {
    const failing = fakePredictor({
      predict: () => Promise.reject(new Error('onnxruntime: secret internal detail')),
    });
    const { postJson, observer } = setup(failing);

    const response = await postJson(household);

    const problem = await problemOf(response);
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret');
    expect(observer.errors).toHaveLength(1);
  });

  it('records every request once with its id, status and latency', async () => {
    const { app, postJson, observer } = setup();

    await postJson(household);
    await app.request('/nowhere');

    expect(observer.requests).toEqual([
      expect.objectContaining({
        requestId: 'req-1',
        method: 'POST',
        path: '/predict',
        status: 200,
        modelVersion: 'fake-0000',
      }),
      expect.objectContaining({ requestId: 'req-2', method: 'GET', path: '/nowhere', status: 404 }),
    ]);
    expect(observer.requests.every((r) => r.latencyMs >= 0)).toBe(true);
  });
});
