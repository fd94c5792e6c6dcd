import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../model/src/domain.ts';
import { HTTP_LIMITS } from './limits.ts';
import { predictResponse } from './schema.ts';
import { mutatedHousehold, validHousehold } from './testing/arbitraries.ts';
import { realApp } from './testing/real-app.ts';

/** Properties over the real model: no client input is a server fault, and predictions respect the domain. */

let service: Awaited<ReturnType<typeof realApp>>;
beforeAll(async () => {
  service = await realApp();
});

async function predict(body: object) {
  const response = await service.postJson(body);
  expect(response.status).toBe(200);
  return predictResponse.parse(await response.json());
}

describe('no client input produces a 5xx', () => {
  it.each([
    { name: 'random JSON text', body: fc.json() },
    { name: 'random strings', body: fc.string({ unit: 'binary' }) },
    { name: 'random JSON values', body: fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null') },
    {
      name: 'mutated households',
      body: mutatedHousehold.map((value) => JSON.stringify(value)),
    },
    {
      name: 'batches of mutated households',
      body: fc
        .array(mutatedHousehold, { maxLength: HTTP_LIMITS.maxBatchInstances + 2 })
        .map((instances) => JSON.stringify({ instances })),
    },
  ])('$name', async ({ body }) => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const response = await service.postJson(text);
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes under any content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.string(), async (bytes, contentType) => {
        const response = await service.app.request('/predict', {
          method: 'POST',
          headers: { 'content-type': contentType.replace(/[^\t\x20-\x7e]/g, '') },
          body: bytes,
        });
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 200 },
    );
  });
});

describe('every valid household gets a prediction that keeps the contract', () => {
  it('12 months in order, each finite and > 0, the known month within 1%, the total their sum', async () => {
    await fc.assert(
      fc.asyncProperty(validHousehold, async (household) => {
        const { monthly, annualKwh } = await predict(household);
        expect(monthly.map(({ month }) => month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        for (const { kwh } of monthly) expect(Number.isFinite(kwh) && kwh > 0).toBe(true);
        const known = monthly[household.knownUsage.month - 1]?.kwh ?? Number.NaN;
        expect(Math.abs(known / household.knownUsage.kwh - 1)).toBeLessThanOrEqual(0.01);
        expect(Math.abs(annualKwh - monthly.reduce((sum, { kwh }) => sum + kwh, 0))).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 300 },
    );
  });

  it('a batch answers each household as it would be answered alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validHousehold, { minLength: 1, maxLength: 8 }), async (instances) => {
        const response = await service.postJson({ instances });
        const { predictions } = (await response.json()) as { predictions: unknown[] };
        const alone = await Promise.all(instances.map((household) => predict(household)));
        expect(predictions).toEqual(alone.map(({ modelVersion: _version, ...prediction }) => prediction));
      }),
      { numRuns: 30 },
    );
  });
});

describe('domain sanity', () => {
  const forArea = (area: 'hokkaido' | 'okinawa') =>
    validHousehold.map((household) => ({ ...household, area }));

  it("predicts Hokkaido's January above its August", async () => {
    await fc.assert(
      fc.asyncProperty(forArea('hokkaido'), async (household) => {
        const { monthly } = await predict(household);
        expect(monthly[0]?.kwh).toBeGreaterThan(monthly[7]?.kwh ?? Number.POSITIVE_INFINITY);
      }),
      { numRuns: 150 },
    );
  });

  it("predicts Okinawa's August above its January", async () => {
    await fc.assert(
      fc.asyncProperty(forArea('okinawa'), async (household) => {
        const { monthly } = await predict(household);
        expect(monthly[7]?.kwh).toBeGreaterThan(monthly[0]?.kwh ?? Number.POSITIVE_INFINITY);
      }),
      { numRuns: 150 },
    );
  });

  it('never predicts fewer kWh in any month from more kWh in', async () => {
    const twoBills = fc
      .tuple(
        validHousehold,
        fc.double({ min: 1e-6, max: LIMITS.maxKwh, noNaN: true }),
        fc.double({ min: 1e-6, max: LIMITS.maxKwh, noNaN: true }),
      )
      .filter(([, a, b]) => a !== b);
    await fc.assert(
      fc.asyncProperty(twoBills, async ([household, a, b]) => {
        const [lower, higher] = [Math.min(a, b), Math.max(a, b)];
        const atLower = await predict({ ...household, knownUsage: { ...household.knownUsage, kwh: lower } });
        const atHigher = await predict({
          ...household,
          knownUsage: { ...household.knownUsage, kwh: higher },
        });
        atLower.monthly.forEach(({ kwh }, month) => {
          expect(atHigher.monthly[month]?.kwh).toBeGreaterThanOrEqual(kwh);
        });
      }),
      { numRuns: 200 },
    );
  });
});
