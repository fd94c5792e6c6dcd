import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OutcomeRecorder } from '../../../loadtest/src/recorder.ts';
import { productionTrafficOf, startProductionTraffic } from './production-traffic.ts';

describe('productionTrafficOf', () => {
  it('keeps each second, the statuses and the 2xx latencies of what clients saw', () => {
    const recorder = new OutcomeRecorder(500);
    recorder.record({ kind: 'response', status: 200, latencyMs: 4, scheduledAtMs: 100 });
    recorder.record({ kind: 'response', status: 502, latencyMs: 1, scheduledAtMs: 900 });
    recorder.record({ kind: 'transport_error', scheduledAtMs: 1_200 });
    const startedAt = new Date('2026-11-30T04:00:00.000Z');
    const run = {
      startedAt,
      elapsedSeconds: 1.5004,
      aborted: true,
      scheduled: 3,
      sent: 3,
      dropped: 0,
      recorder,
    };
    // HDR histograms keep three significant digits.
    const ms4 = expect.closeTo(4, 2);
    expect(productionTrafficOf('http://127.0.0.1:1', 2, run)).toEqual({
      target: 'http://127.0.0.1:1',
      startedAt: '2026-11-30T04:00:00.000Z',
      durationSeconds: 1.5,
      ratePerSecond: 2,
      requests: 3,
      errors: 2,
      statusCounts: { '200': 1, '502': 1, transport_error: 1 },
      latencyP50Ms: ms4,
      latencyP95Ms: ms4,
      perSecond: [
        { second: 0, requests: 2, errors: 1, p50Ms: ms4, p95Ms: ms4 },
        { second: 1, requests: 1, errors: 1, p50Ms: null, p95Ms: null },
      ],
    });
  });
});

describe('startProductionTraffic', () => {
  it('posts to /predict until stopped, then reports every answer', async () => {
    const paths: string[] = [];
    let reached: () => void = () => {};
    const enough = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const server = createServer((request, response) => {
      paths.push(`${request.method} ${request.url}`);
      if (paths.length === 10) reached();
      response.statusCode = paths.length % 2 === 0 ? 502 : 200;
      response.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const traffic = startProductionTraffic(url, 200);
      await enough;
      const seen = await traffic.stop();
      expect(seen.requests).toBe(paths.length);
      expect(new Set(paths)).toEqual(new Set(['POST /predict']));
      expect(seen.statusCounts['502']).toBe(seen.errors);
      expect(seen.perSecond?.reduce((sum, second) => sum + second.requests, 0)).toBe(seen.requests);
    } finally {
      server.close();
    }
  });
});
