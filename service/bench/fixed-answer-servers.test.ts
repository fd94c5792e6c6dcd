import { describe, expect, it } from 'vitest';
import { EXAMPLE_PREDICT_REQUEST } from '../src/openapi.ts';
import { LAYERS } from './layers.ts';
import { startFixedAnswerServer } from './measures.ts';
import { stop } from './processes.ts';

/** The baselines the throughput figures are divided by must answer what they claim, or the ratios mean nothing. */
const fixedAnswerScripts = LAYERS.flatMap((layer) => (layer.kind === 'fixed-answer' ? [layer.script] : []));

describe.each(fixedAnswerScripts)('%s', (script) => {
  it('answers a POST of the example body with exactly the given JSON', async () => {
    const answer = JSON.stringify({ modelVersion: 'fixed', unit: 'kWh', annualKwh: 1 });
    const { server, url } = await startFixedAnswerServer(script, answer);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(answer);
    } finally {
      await stop(server);
    }
  });
});
