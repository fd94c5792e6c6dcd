import { coefficientBaseline, type Estimator, fitAreaProfiles, flatBaseline } from './baselines.ts';
import { contentVersion, type ModelCard } from './card.ts';
import { enforceDomainFacts } from './domain-checks.ts';
import { FEATURE_COLUMNS } from './features.ts';
import { asQuery, generateHouseholdYears, type HouseholdYear } from './generator.ts';
import { type LogRatioModel, predictKwh } from './log-ratio-model.ts';
import { evaluateMape } from './metrics.ts';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './onnx-export.ts';
import { ONNX_NAMES } from './onnx-io.ts';
import { measureExportParity } from './parity.ts';
import { DEFAULT_TRAINING_OPTIONS, trainLogRatioModel } from './trainer.ts';

/**
 * Generate → split → train → evaluate against the baselines → export → prove the export → check the domain
 * facts → card. Deterministic for a given seed and size; fails rather than produce an artifact that breaks a fact.
 */

export interface TrainingConfig {
  seed: number;
  householdYears: number;
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = { seed: 42, householdYears: 40_000 };

/** Every HELD_OUT_EVERY-th household (by id) is held out, so no household is in both sets. */
const HELD_OUT_EVERY = 5;
const METRIC_DIGITS = 4;

export interface TrainingResult {
  model: LogRatioModel;
  onnxBytes: Uint8Array;
  card: ModelCard;
  /** The exact parity figures (the card keeps only a power-of-ten bound, stable across CPUs). */
  parity: { maxAbsDiffKwh: number; maxRelativeDiff: number };
}

export async function runTraining(config: TrainingConfig): Promise<TrainingResult> {
  const years = generateHouseholdYears(config.seed, config.householdYears);
  const { train, heldOut } = splitByHousehold(years);
  const model = enforceDomainFacts(trainLogRatioModel(train, DEFAULT_TRAINING_OPTIONS));

  const estimators: Record<'model' | 'flat' | 'coefficients', Estimator> = {
    model: (household) => predictKwh(model, household),
    flat: flatBaseline,
    coefficients: coefficientBaseline(fitAreaProfiles(train)),
  };
  const [modelMape, flatMape, coefficientsMape] = [
    estimators.model,
    estimators.flat,
    estimators.coefficients,
  ].map((estimator) => roundReport(evaluateMape(estimator, heldOut))) as [
    ReturnType<typeof roundReport>,
    ReturnType<typeof roundReport>,
    ReturnType<typeof roundReport>,
  ];

  const onnxBytes = exportOnnx(model);
  const version = contentVersion(onnxBytes);
  const queries = heldOut.flatMap((year) => year.monthlyKwh.map((_, known) => asQuery(year, known)));
  const parity = await measureExportParity(onnxBytes, model, queries);

  const card: ModelCard = {
    name: 'household-monthly-kwh',
    version,
    modelFile: 'model.onnx',
    onnx: {
      opset: ONNX_OPSET,
      irVersion: ONNX_IR_VERSION,
      input: ONNX_NAMES.input,
      output: ONNX_NAMES.ratios,
    },
    featureSchema: { columns: [...FEATURE_COLUMNS], scaling: model.scaling },
    training: {
      seed: config.seed,
      householdYears: years.length,
      trainHouseholdYears: train.length,
      heldOutHouseholdYears: heldOut.length,
      split: `household id % ${HELD_OUT_EVERY} === 0 is held out`,
      method: 'ridge regression of ln(kWh_m / kWh_known), one closed-form solve per known month',
      ridgePenalty: DEFAULT_TRAINING_OPTIONS.ridgePenalty,
    },
    metrics: {
      description:
        'MAPE (fraction) on held-out household-years; each of the 12 months taken in turn as the known bill, ' +
        'scored on the other 11',
      heldOutMape: { model: modelMape, flat: flatMape, coefficients: coefficientsMape },
      exportParity: {
        description:
          'max |onnxruntime kWh − trainer float64 kWh| (and relative to the trainer) over every held-out query, ' +
          'as power-of-ten bounds',
        maxAbsDiffKwhBelow: powerOfTenAbove(parity.maxAbsDiffKwh),
        maxRelativeDiffBelow: powerOfTenAbove(parity.maxRelativeDiff),
      },
    },
  };
  return { model, onnxBytes, card, parity };
}

export function splitByHousehold(years: readonly HouseholdYear[]) {
  return {
    train: years.filter((year) => year.id % HELD_OUT_EVERY !== 0),
    heldOut: years.filter((year) => year.id % HELD_OUT_EVERY === 0),
  };
}

function roundReport(report: ReturnType<typeof evaluateMape>) {
  const round = (value: number): number => Number(value.toFixed(METRIC_DIGITS));
  return {
    overall: round(report.overall),
    byArea: Object.fromEntries(Object.entries(report.byArea).map(([area, value]) => [area, round(value)])),
  } as ReturnType<typeof evaluateMape>;
}

/** The smallest power of ten strictly above value (1e-3 for 4.2e-4): stable when the last bits differ by CPU. */
export function powerOfTenAbove(value: number): number {
  if (value <= 0) return Number.MIN_VALUE;
  return 10 ** (Math.floor(Math.log10(value)) + 1);
}
