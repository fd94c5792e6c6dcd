import { loadPredictor } from '../../../model/src/predictor.ts';
import { createApp } from '../app.ts';
import { readConfig } from '../config.ts';
import { recordingObserver } from './recording-observer.ts';

/** The app over the real trained artifact (MODEL_DIR, default model/artifacts), as both runtimes build it. */
export async function realApp() {
  const predictor = await loadPredictor(readConfig(process.env, process.cwd()).modelDir);
  const observer = recordingObserver();
  const app = createApp({ predictor, observer, invocationOf: () => ({ requestId: 'test' }) });
  const postJson = (body: unknown) =>
    app.request('/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, observer, predictor, postJson };
}
