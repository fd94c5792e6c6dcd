import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import {
  createObserver,
  LATENCY_METRIC,
  type RequestRecord,
  SERVICE_NAME,
  STATUS_CLASS_DIMENSION,
  statusClassOf,
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

  it.each([
    { status: 201, statusClass: '2xx' },
    { status: 413, statusClass: '4xx' },
    { status: 503, statusClass: '5xx' },
  ])(
    'emits an EMF Latency in ms with dimensions [service, StatusClass=$statusClass]',
    ({ status, statusClass }) => {
      const output = captureOutput();
      const metrics = new Metrics({ namespace: SLO_DEFINITION.metrics.namespace, serviceName: SERVICE_NAME });
      const observer = createObserver(new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }), metrics);

      observer.requestCompleted(record(status));

      const [emf] = output.lines();
      expect(emf).toMatchObject({
        _aws: {
          CloudWatchMetrics: [
            {
              Namespace: SLO_DEFINITION.metrics.namespace,
              Dimensions: [['service', STATUS_CLASS_DIMENSION]],
              Metrics: [{ Name: LATENCY_METRIC, Unit: 'Milliseconds' }],
            },
          ],
        },
        service: SERVICE_NAME,
        [STATUS_CLASS_DIMENSION]: statusClass,
        [LATENCY_METRIC]: 1.25,
      });
    },
  );

  it('publishes each request on its own, so two requests never share a dimension set', () => {
    const output = captureOutput();
    const metrics = new Metrics({ namespace: SLO_DEFINITION.metrics.namespace, serviceName: SERVICE_NAME });
    const observer = createObserver(new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }), metrics);

    observer.requestCompleted(record(200));
    observer.requestCompleted(record(400));

    expect(output.lines().map((line) => line[STATUS_CLASS_DIMENSION])).toEqual(['2xx', '4xx']);
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
