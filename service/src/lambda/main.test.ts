import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HTTP_LIMITS } from '../limits.ts';
import {
  ALIAS_DIMENSION,
  LATENCY_METRIC,
  SERVICE_NAME,
  STAGE_DIMENSION,
  STATUS_CLASS_DIMENSION,
  VERSION_DIMENSION,
} from '../observability.ts';
import { PROBLEM_CONTENT_TYPE } from '../problem.ts';
import { healthResponse, predictResponse, problemResponse } from '../schema.ts';
import { EVENT_SHAPES, fixtureEvent, type HttpRequestSpec, lambdaEvent } from '../testing/lambda-events.ts';
import { localLambdaContext } from './context.ts';

/** The Lambda entry, with the real model, on each envelope AWS delivers. */

// What Lambda and the stack set before init; the entry reads them once, at import, hence the dynamic import.
const STAGE = 'test-stage';
const VERSION = '7';
vi.stubEnv('SHIFTGATE_STAGE', STAGE);
vi.stubEnv('AWS_LAMBDA_FUNCTION_VERSION', VERSION);
const { handler } = await import('./main.ts');

const household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };
const predictJson = (body: string, extra: Partial<HttpRequestSpec> = {}): HttpRequestSpec => ({
  method: 'POST',
  path: '/predict',
  contentType: 'application/json',
  body,
  ...extra,
});

type Result = {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
  isBase64Encoded: boolean;
};

async function invoke(event: unknown, context = localLambdaContext()): Promise<Result> {
  return (await handler(event as Parameters<typeof handler>[0], context)) as Result;
}

/** Captures what the function prints: its JSON logs and EMF blobs, one document a line. */
function captureOutput(): () => Record<string, unknown>[] {
  const writes: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => writes.push(String(chunk)) > 0);
  }
  return () =>
    writes
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe.each(EVENT_SHAPES)('the Lambda handler on a %s event', (shape) => {
  it('predicts from a JSON body', async () => {
    const result = await invoke(lambdaEvent(shape, predictJson(JSON.stringify(household))));

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers?.['content-type']).toMatch(/^application\/json/);
    expect(predictResponse.parse(JSON.parse(result.body)).monthly).toHaveLength(12);
  });

  it('predicts from a base64-encoded body', async () => {
    const result = await invoke(lambdaEvent(shape, predictJson(JSON.stringify(household), { base64: true })));
    expect(result.statusCode).toBe(200);
  });

  it.each([
    { name: 'invalid JSON', request: predictJson('{"area":'), status: 400 },
    { name: 'a schema violation', request: predictJson('{"area":"tokyo"}'), status: 400 },
    {
      name: 'a body over the limit',
      request: predictJson(`"${'x'.repeat(HTTP_LIMITS.maxBodyBytes)}"`),
      status: 413,
    },
    { name: 'a text/plain body', request: predictJson('{}', { contentType: 'text/plain' }), status: 415 },
    { name: 'an unknown path', request: { method: 'GET', path: '/nowhere' }, status: 404 },
    { name: 'GET /predict', request: { method: 'GET', path: '/predict' }, status: 405 },
  ])('answers $name with a $status problem', async ({ request, status }) => {
    const result = await invoke(lambdaEvent(shape, request));

    expect(result.statusCode).toBe(status);
    expect(result.headers?.['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(problemResponse.parse(JSON.parse(result.body)).status).toBe(status);
  });

  it('answers GET /health, even when the balancer forwards a body with it', async () => {
    const result = await invoke(lambdaEvent(shape, { method: 'GET', path: '/health', body: 'Test' }));
    expect(result.statusCode).toBe(200);
    expect(healthResponse.parse(JSON.parse(result.body)).status).toBe('ok');
  });

  it('answers the fixture exactly as AWS delivered it with a 4xx problem, not a crash', async () => {
    const result = await invoke(fixtureEvent(shape));
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe(PROBLEM_CONTENT_TYPE);
  });

  it('logs the invocation under its Lambda request id and flushes one Latency metric', async () => {
    const output = captureOutput();
    const context = {
      ...localLambdaContext(),
      invokedFunctionArn: `${localLambdaContext().invokedFunctionArn}:live`,
    };

    await invoke(lambdaEvent(shape, predictJson('{}')), context);

    const lines = output();
    const log = lines.find((line) => line.message === 'request completed');
    expect(log).toMatchObject({
      requestId: context.awsRequestId,
      status: 400,
      method: 'POST',
      path: '/predict',
      alias: 'live',
    });
    const emf = lines.filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    const [metric] = emf as [{ _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } }];
    expect(
      metric._aws.CloudWatchMetrics.map(({ Dimensions }) => Dimensions.map((set) => [...set].sort())),
    ).toEqual([
      [
        ['service', STAGE_DIMENSION, ALIAS_DIMENSION, STATUS_CLASS_DIMENSION].sort(),
        ['service', STAGE_DIMENSION, VERSION_DIMENSION, STATUS_CLASS_DIMENSION].sort(),
      ],
    ]);
    expect(metric).toMatchObject({
      service: SERVICE_NAME,
      [STAGE_DIMENSION]: STAGE,
      [ALIAS_DIMENSION]: 'live',
      [VERSION_DIMENSION]: VERSION,
      [STATUS_CLASS_DIMENSION]: '4xx',
      [LATENCY_METRIC]: expect.any(Number),
    });
    // Powertools' warning about the keys both sets share is expected and not logged.
    expect(lines.filter((line) => line.level === 'WARN')).toEqual([]);
  });

  it.each([
    { name: 'GET /health', request: { method: 'GET', path: '/health' } },
    { name: 'GET /openapi.json', request: { method: 'GET', path: '/openapi.json' } },
    { name: 'a 404', request: { method: 'POST', path: '/nowhere' } },
    { name: 'GET /predict (405)', request: { method: 'GET', path: '/predict' } },
  ])('emits no metric for $name', async ({ request }) => {
    const output = captureOutput();
    await invoke(lambdaEvent(shape, request));
    expect(output().filter((line) => '_aws' in line)).toEqual([]);
  });
});
