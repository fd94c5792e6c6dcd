import { Agent } from 'node:http';
import { type PredictRequest, post } from '../service/measures.ts';

/**
 * Milliseconds from sending each request to the end of its answer, one request at a time over one kept-alive
 * connection: what a p50 of a hand-off can be read from. Any status but 200 fails the run.
 */
export async function sequentialLatencies(
  url: string,
  request: PredictRequest,
  count: number,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const { status, body } = await post(url, request, agent);
      samples.push(performance.now() - started);
      if (status !== 200)
        throw new Error(`${url} answered ${status} to request ${i + 1} of ${count}: ${body}`);
    }
    return samples;
  } finally {
    agent.destroy();
  }
}
