import { describe, expect, it } from 'vitest';
import { readConfig } from '../../service/src/config.ts';
import { EXAMPLE_PREDICT_REQUEST } from '../../service/src/openapi.ts';
import { realApp } from '../../service/src/testing/real-app.ts';
import { LAYERS } from './layers.ts';
import { startFixedAnswerServer, startFloorServer } from './measures.ts';
import { stop } from './processes.ts';

/** The servers the throughput figures are divided by must answer what they claim, or the ratios mean nothing. */
const fixedAnswerScripts = LAYERS.flatMap((layer) => (layer.kind === 'fixed-answer' ? [layer.script] : []));

const postExample = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
  });

describe.each(fixedAnswerScripts)('%s', (script) => {
  it('answers a POST of the example body with exactly the given JSON', async () => {
    const answer = JSON.stringify({ modelVersion: 'fixed', unit: 'kWh', annualKwh: 1 });
    const { server, url } = await startFixedAnswerServer(script, answer);
    try {
      const response = await postExample(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(answer);
    } finally {
      await stop(server);
    }
  });
});

describe('the floor server', () => {
  it('answers the example body exactly as the service does: the same model run, the same JSON', async () => {
    const { postJson } = await realApp();
    const expected = await (await postJson(EXAMPLE_PREDICT_REQUEST)).text();
    const { server, url } = await startFloorServer(readConfig(process.env, process.cwd()).modelDir);
    try {
      const response = await postExample(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(expected);
    } finally {
      await stop(server);
    }
  });
});
