import { resolve } from 'node:path';
import { runCli } from '../../common/cli.ts';
import { median, percentile } from '../../common/percentile.ts';
import { AREAS, HOUSING_KINDS, type Household } from '../../model/src/domain.ts';
import { loadPredictor } from '../../model/src/predictor.ts';

/**
 * `npm run bench:model`: how long loadPredictor takes (the service's init cost) and how long predict() takes per
 * batch size, through onnxruntime-node exactly as the service calls it. Bounded loops; prints one table.
 */

const ARTIFACT_DIR = resolve(import.meta.dirname, '..', '..', 'model', 'artifacts');
const LOADS = 10;
const WARMUP = 200;
const ITERATIONS = 2_000;
const BATCH_SIZES = [1, 10, 100] as const;

function households(count: number): Household[] {
  return Array.from({ length: count }, (_, index) => ({
    area: AREAS[index % AREAS.length] ?? 'tokyo',
    householdSize: 1 + (index % 10),
    housing: HOUSING_KINDS[index % 2] ?? 'apartment',
    allElectric: index % 3 === 0,
    knownUsage: { month: 1 + (index % 12), kwh: 80 + 7 * index },
  }));
}

async function main(): Promise<void> {
  const loads: number[] = [];
  for (let run = 0; run < LOADS; run++) {
    const started = performance.now();
    await loadPredictor(ARTIFACT_DIR);
    loads.push(performance.now() - started);
  }
  console.log(
    `loadPredictor: median ${median(loads).toFixed(1)} ms, max ${Math.max(...loads).toFixed(1)} ms (${LOADS} loads)`,
  );

  const predictor = await loadPredictor(ARTIFACT_DIR);
  console.log('batch  p50 µs   p99 µs   µs/household (p50)');
  for (const size of BATCH_SIZES) {
    const batch = households(size);
    for (let run = 0; run < WARMUP; run++) await predictor.predict(batch);
    const samples: number[] = [];
    for (let run = 0; run < ITERATIONS; run++) {
      const started = performance.now();
      await predictor.predict(batch);
      samples.push((performance.now() - started) * 1_000);
    }
    const p50 = percentile(samples, 50);
    console.log(
      `${String(size).padStart(5)}  ${p50.toFixed(0).padStart(6)}   ${percentile(samples, 99).toFixed(0).padStart(6)}   ${(p50 / size).toFixed(1).padStart(8)}`,
    );
  }
}

await runCli({ name: 'bench:model' }, async () => {
  await main();
  return undefined;
});
