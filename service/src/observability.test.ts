import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import {
  ALIAS_DIMENSION,
  createObserver,
  LATENCY_METRIC,
  type MetricsTarget,
  powertoolsMetrics,
  type RequestRecord,
  SERVICE_NAME,
  STAGE_DIMENSION,
  STATUS_CLASS_DIMENSION,
  statusClassOf,
  VERSION_DIMENSION,
} from './observability.ts';

/** Powertools writes to stdout (errors to stderr); each line is one JSON document (a log or an EMF blob). */
function captureOutput(): { lines: () => Record<string, unknown>[] } {
  const writes: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
  }
  return {
    lines: () =>
      writes
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const record = (status: number): RequestRecord => ({
  requestId: 'req-1',
  method: 'POST',
  path: '/predict',
  status,
  latencyMs: 1.25,
  modelVersion: 'v1',
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('statusClassOf', () => {
  it.each([
    [200, '2xx'],
    [299, '2xx'],
    [400, '4xx'],
    [415, '4xx'],
    [500, '5xx'],
  ])('%i is %s', (status, statusClass) => {
    expect(statusClassOf(status)).toBe(statusClass);
  });
});

describe('createObserver', () => {
  it('logs one JSON line per request with its id, status, latency and model version', () => {
    const output = captureOutput();
    const observer = createObserver(new Logger({ serviceName: SERVICE_NAME }));

    observer.requestCompleted(record(200));

    const [line] = output.lines();
    expect(line).toMatchObject({ level: 'INFO', service: SERVICE_NAME, ...record(200) });
  });

  const target = (): MetricsTarget => ({
    sink: powertoolsMetrics(SLO_DEFINITION.metrics.namespace, new Logger({ serviceName: SERVICE_NAME })),
    stage: 'prod',
    functionVersion: '12',
  });
  const silentLogger = () => new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' });

  it.each([
    { status: 201, statusClass: '2xx' },
    { status: 413, statusClass: '4xx' },
    { status: 503, statusClass: '5xx' },
  ])(
    'emits one EMF Latency in ms under [service, Stage, Alias, StatusClass=$statusClass] and [service, Stage, Version, StatusClass]',
    ({ status, statusClass }) => {
      const output = captureOutput();
      const observer = createObserver(silentLogger(), target());

      observer.requestCompleted({ ...record(status), alias: 'live' });

      const emfLines = output.lines().filter((line) => '_aws' in line);
      expect(emfLines).toHaveLength(1);
      expect(emfLines[0]).toEqual({
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: SLO_DEFINITION.metrics.namespace,
              Dimensions: [
                ['service', STAGE_DIMENSION, ALIAS_DIMENSION, STATUS_CLASS_DIMENSION],
                ['service', STAGE_DIMENSION, VERSION_DIMENSION, STATUS_CLASS_DIMENSION],
              ],
              Metrics: [{ Name: LATENCY_METRIC, Unit: 'Milliseconds' }],
            },
          ],
        },
        service: SERVICE_NAME,
        [STAGE_DIMENSION]: 'prod',
        [ALIAS_DIMENSION]: 'live',
        [VERSION_DIMENSION]: '12',
        [STATUS_CLASS_DIMENSION]: statusClass,
        [LATENCY_METRIC]: 1.25,
      });
    },
  );

  it('logs Powertools’ other warnings, not the one about keys both sets share by design', () => {
    const output = captureOutput();
    const sink = powertoolsMetrics(
      SLO_DEFINITION.metrics.namespace,
      new Logger({ serviceName: SERVICE_NAME }),
    );
    createObserver(silentLogger(), { sink, stage: 'prod', functionVersion: '1' }).requestCompleted(
      record(200),
    );
    sink.addDimensions({ [STAGE_DIMENSION]: '' });

    const warnings = output.lines().filter((line) => line.level === 'WARN');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/dimension/i);
    expect(JSON.stringify(warnings)).not.toContain('dimension set and dimension set');
  });

  it('counts a request without an alias under $LATEST', () => {
    const output = captureOutput();
    createObserver(silentLogger(), target()).requestCompleted(record(200));
    expect(output.lines().find((line) => '_aws' in line)).toMatchObject({ [ALIAS_DIMENSION]: '$LATEST' });
  });

  it.each([
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/openapi.json' },
    { method: 'GET', path: '/predict' },
    { method: 'POST', path: '/nowhere' },
  ])('emits no metric for $method $path', ({ method, path }) => {
    const output = captureOutput();
    createObserver(silentLogger(), target()).requestCompleted({ ...record(200), method, path });
    expect(output.lines().filter((line) => '_aws' in line)).toEqual([]);
  });

  it('publishes each request on its own, so two requests never share a dimension set', () => {
    const output = captureOutput();
    const observer = createObserver(silentLogger(), target());

    observer.requestCompleted(record(200));
    observer.requestCompleted(record(400));

    expect(
      output
        .lines()
        .filter((line) => '_aws' in line)
        .map((line) => line[STATUS_CLASS_DIMENSION]),
    ).toEqual(['2xx', '4xx']);
  });

  it('logs an unexpected error with its stack and the request id', () => {
    const output = captureOutput();
    const observer = createObserver(new Logger({ serviceName: SERVICE_NAME }));

    observer.unexpectedError('req-9', new Error('boom'));

    const [line] = output.lines();
    expect(line).toMatchObject({
      level: 'ERROR',
      requestId: 'req-9',
      error: { name: 'Error', message: 'boom' },
    });
    expect(JSON.stringify(line)).toContain('stack');
  });
});
