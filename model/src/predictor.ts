import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describeError } from '../../common/errors.ts';
import { ARTIFACT_FILES, contentVersion, type ModelCard, modelCardSchema } from './card.ts';
import { type Household, LIMITS, MONTHS_PER_YEAR } from './domain.ts';
import { FEATURE_COLUMNS, FEATURE_COUNT, type FeatureScaling } from './features.ts';
import { encodeInputRow, INPUT_WIDTH, ONNX_NAMES } from './onnx-io.ts';

/**
 * What the service needs of a trained model. Implemented by loadPredictor.
 */
export interface Predictor {
  /** The artifact's content hash, as written in its card. */
  readonly modelVersion: string;
  /** 12 predicted kWh per household, months 1..12 in order. */
  predict(households: readonly Household[]): Promise<number[][]>;
}

/**
 * Loads model.onnx and model.card.json from artifactDir into ONE onnxruntime session. Anything wrong with the
 * artifact — a missing file, a card that does not parse or does not match this code's encoder, a model whose
 * hash differs from the card's version, bytes onnxruntime rejects — throws at once, naming the file.
 */
export async function loadPredictor(artifactDir: string): Promise<Predictor> {
  const modelPath = join(artifactDir, ARTIFACT_FILES.model);
  const cardPath = join(artifactDir, ARTIFACT_FILES.card);
  const [modelBytes, cardText] = await Promise.all([readArtifact(modelPath), readArtifact(cardPath)]);
  const card = parseCard(cardText.toString('utf8'), cardPath);
  const actualVersion = contentVersion(modelBytes);
  if (actualVersion !== card.version) {
    throw new Error(
      `model artifact ${modelPath} has content hash ${actualVersion} but ${cardPath} says version ${card.version}; ` +
        'the two files must come from the same `npm run train`',
    );
  }
  return createPredictor(modelBytes, card.version, card.featureSchema.scaling, modelPath);
}

/**
 * A predictor over model bytes already in memory; `source` names them in errors. The trainer uses this to prove
 * the export through the very code path the service runs.
 */
export async function createPredictor(
  modelBytes: Uint8Array,
  modelVersion: string,
  scaling: FeatureScaling,
  source: string,
): Promise<Predictor> {
  const session = await createSession(modelBytes, source);
  const oneRow = oneRowFeeds();
  return {
    modelVersion,
    predict: (households) => {
      if (households.length !== 1 || oneRow.busy) return predictBatch(session, scaling, households);
      return predictOne(session, scaling, households, oneRow);
    },
  };
}

async function readArtifact(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `cannot read model artifact ${path}: ${describeError(error)}; run \`npm run train\` to create it`,
      {
        cause: error,
      },
    );
  }
}

function parseCard(text: string, cardPath: string): ModelCard {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`model card ${cardPath} is not valid JSON: ${describeError(error)}`, { cause: error });
  }
  // Parsed once per process: compiling zod's fast path for the card's nested objects costs more than it saves.
  const parsed = modelCardSchema.safeParse(json, { jitless: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`model card ${cardPath} is invalid: ${issues.join('; ')}`);
  }
  const card = parsed.data;
  const columns = card.featureSchema.columns;
  if (
    columns.length !== FEATURE_COUNT ||
    columns.some((column, index) => column !== FEATURE_COLUMNS[index])
  ) {
    throw new Error(
      `model card ${cardPath} lists ${columns.length} feature columns that differ from this code's ` +
        `${FEATURE_COUNT}-column encoder; retrain with \`npm run train\``,
    );
  }
  return card;
}

async function createSession(modelBytes: Uint8Array, modelPath: string): Promise<InferenceSession> {
  let session: InferenceSession;
  try {
    // A graph this small finishes before a thread pool would wake up: one thread is the fast path on Lambda.
    session = await InferenceSession.create(modelBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    throw new Error(`onnxruntime rejected model artifact ${modelPath}: ${describeError(error)}`, {
      cause: error,
    });
  }
  if (!session.inputNames.includes(ONNX_NAMES.input) || !session.outputNames.includes(ONNX_NAMES.ratios)) {
    throw new Error(
      `model artifact ${modelPath} has inputs [${session.inputNames.join(', ')}] and outputs ` +
        `[${session.outputNames.join(', ')}]; expected input ${ONNX_NAMES.input} and output ${ONNX_NAMES.ratios}`,
    );
  }
  return session;
}

function checkHousehold(household: Household, row: number): void {
  const { kwh } = household.knownUsage;
  if (!(Number.isFinite(kwh) && kwh > 0)) {
    throw new RangeError(`knownUsage.kwh must be a finite number > 0, got ${kwh} (household ${row})`);
  }
  const { min, max } = LIMITS.householdSize;
  const size = household.householdSize;
  if (!(Number.isInteger(size) && size >= min && size <= max)) {
    throw new RangeError(`householdSize must be an integer ${min}-${max}, got ${size} (household ${row})`);
  }
}

/** Fills `input`, which must be all zeros, with one row per household. */
function encodeRows(households: readonly Household[], scaling: FeatureScaling, input: Float32Array): void {
  for (let row = 0; row < households.length; row++) {
    const household = households[row] as Household;
    checkHousehold(household, row);
    encodeInputRow(household, scaling, input, row);
  }
}

/**
 * The input tensor of a one-household run, made once: a single prediction is the common request, and fresh
 * typed arrays and Tensors per run cost more than the rest of the encoding. `busy` keeps a second run from
 * overwriting it while the first waits for onnxruntime, which runs on a later turn of the event loop.
 */
interface OneRowFeeds {
  input: Float32Array;
  feeds: Record<string, Tensor>;
  busy: boolean;
}

function oneRowFeeds(): OneRowFeeds {
  const input = new Float32Array(INPUT_WIDTH);
  return {
    input,
    feeds: { [ONNX_NAMES.input]: new Tensor('float32', input, [1, INPUT_WIDTH]) },
    busy: false,
  };
}

async function predictOne(
  session: InferenceSession,
  scaling: FeatureScaling,
  households: readonly Household[],
  oneRow: OneRowFeeds,
): Promise<number[][]> {
  oneRow.busy = true;
  try {
    oneRow.input.fill(0);
    encodeRows(households, scaling, oneRow.input);
    return kwhOf(households, await session.run(oneRow.feeds));
  } finally {
    oneRow.busy = false;
  }
}

async function predictBatch(
  session: InferenceSession,
  scaling: FeatureScaling,
  households: readonly Household[],
): Promise<number[][]> {
  if (households.length === 0) return [];
  const count = households.length;
  const input = new Float32Array(count * INPUT_WIDTH);
  encodeRows(households, scaling, input);
  const outputs = await session.run({
    [ONNX_NAMES.input]: new Tensor('float32', input, [count, INPUT_WIDTH]),
  });
  return kwhOf(households, outputs);
}

/** Each household's bill times the model's 12 ratios, multiplied in float64 so a 1e-9 kWh bill cannot underflow. */
function kwhOf(households: readonly Household[], outputs: InferenceSession.ReturnType): number[][] {
  const count = households.length;
  const ratios = outputs[ONNX_NAMES.ratios]?.data;
  if (!(ratios instanceof Float32Array) || ratios.length !== count * MONTHS_PER_YEAR) {
    throw new Error(`model returned no ${ONNX_NAMES.ratios} tensor of ${count}×${MONTHS_PER_YEAR} floats`);
  }
  const rows: number[][] = [];
  for (let row = 0; row < count; row++) {
    const bill = (households[row] as Household).knownUsage.kwh;
    const months: number[] = [];
    for (let month = 0; month < MONTHS_PER_YEAR; month++) {
      const kwh = bill * (ratios[row * MONTHS_PER_YEAR + month] as number);
      if (!(Number.isFinite(kwh) && kwh > 0)) throw new Error(`model produced a non-positive kWh (${kwh})`);
      months.push(kwh);
    }
    rows.push(months);
  }
  return rows;
}
