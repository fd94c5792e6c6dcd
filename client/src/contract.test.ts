/** The client against the real service process: its types and errors match what the service answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchResponse, predictResponse } from '../../service/src/schema.ts';
import { type ServerProcess, startServer } from '../../service/src/testing/server-process.ts';
import { createPredictClient, type Household, type RetryEvent } from './client.ts';
import { ProblemError } from './errors.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const tokyo: Household = { area: 'tokyo', householdSize: 3, knownUsage: { month: 8, kwh: 420 } };
const okinawa: Household = {
  area: 'okinawa',
  householdSize: 4,
  housing: 'detached',
  allElectric: true,
  knownUsage: { month: 8, kwh: 700 },
};

describe('the client against the real service', () => {
  const retries: RetryEvent[] = [];
  const client = () => createPredictClient({ url: server.url, onRetry: (event) => retries.push(event) });

  it('gets an answer that matches the service’s response schema', async () => {
    const answer = await client().predict(tokyo);
    expect(predictResponse.parse(answer)).toEqual(answer);
  });

  it('gets a batch answered in order', async () => {
    const [single, batch] = await Promise.all([
      client().predict(okinawa),
      client().predictBatch([tokyo, okinawa]),
    ]);
    expect(batchResponse.parse(batch)).toEqual(batch);
    expect(batch.predictions[1]?.annualKwh).toBe(single.annualKwh);
  });

  it('raises the service’s 400 as a ProblemError listing every bad field, without retrying', async () => {
    const invalid = { ...tokyo, area: 'narnia', householdSize: 0 } as unknown as Household;
    const error = await client()
      .predict(invalid)
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(400);
    expect((error as ProblemError).errors.map((field) => field.path)).toEqual(['/area', '/householdSize']);
    expect(retries).toEqual([]);
  });
});
