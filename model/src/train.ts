import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { runCli } from '../../common/cli.ts';
import { ARTIFACT_FILES, serializeCard } from './card.ts';
import { DEFAULT_TRAINING_CONFIG, runTraining, type TrainingConfig } from './pipeline.ts';

/**
 * `npm run train [-- --seed 42 --household-years 40000 --out model/artifacts]`: regenerates the data in memory,
 * trains, evaluates, exports and writes model.onnx and model.card.json atomically (temp file, then rename).
 * `--check` writes nothing and fails if the files in --out are not byte-identical to what this code and seed
 * produce — CI's guard that the committed artifact is the one the code trains.
 */

const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(DEFAULT_TRAINING_CONFIG.seed) },
      'household-years': { type: 'string', default: String(DEFAULT_TRAINING_CONFIG.householdYears) },
      out: { type: 'string', default: DEFAULT_OUT_DIR },
      check: { type: 'boolean', default: false },
    },
  });
  const config: TrainingConfig = {
    seed: parseInteger('--seed', values.seed, 0),
    householdYears: parseInteger('--household-years', values['household-years'], 1),
  };
  const started = performance.now();
  const result = await runTraining(config);
  const outDir = resolve(values.out);
  const files = [
    { path: join(outDir, ARTIFACT_FILES.model), bytes: result.onnxBytes },
    { path: join(outDir, ARTIFACT_FILES.card), bytes: Buffer.from(serializeCard(result.card)) },
  ];
  if (values.check) {
    for (const file of files) await assertUnchanged(file.path, file.bytes, config.seed);
  } else {
    for (const file of files) await writeFileAtomic(file.path, file.bytes);
  }

  const mape = result.card.metrics.heldOutMape;
  const percent = (value: number): string => `${(value * 100).toFixed(2)} %`;
  console.log(
    [
      `model ${result.card.version} (${result.onnxBytes.length} bytes) ${values.check ? 'matches' : '→'} ${outDir}`,
      `seed ${config.seed}, ${result.card.training.trainHouseholdYears} train / ${result.card.training.heldOutHouseholdYears} held-out household-years`,
      `held-out MAPE: model ${percent(mape.model.overall)}, flat ${percent(mape.flat.overall)}, coefficients ${percent(mape.coefficients.overall)}`,
      `export parity: max |ORT − trainer| ${result.parity.maxAbsDiffKwh.toExponential(2)} kWh, max relative ${result.parity.maxRelativeDiff.toExponential(2)}`,
      `took ${((performance.now() - started) / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
}

function parseInteger(flag: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new Error(`${flag} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

async function assertUnchanged(path: string, expected: Uint8Array, seed: number): Promise<void> {
  const actual = await readFile(path).catch(() => undefined);
  if (!actual?.equals(expected)) {
    throw new Error(
      `${path} is not what seed ${seed} trains with this code; run \`npm run train\` and commit the artifact`,
    );
  }
}

await runCli({ name: 'train' }, main);
