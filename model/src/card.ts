import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AREAS } from './domain.ts';

/**
 * The model card written beside model.onnx: what the service needs to encode inputs (the feature schema), what
 * the artifact is (version = content hash), and how it was made and how well it does. No dates, so the same seed
 * produces a byte-identical card.
 */

export const ARTIFACT_FILES = { model: 'model.onnx', card: 'model.card.json' } as const;
const VERSION_HEX_CHARS = 12;

const mapeByArea = z.object(
  Object.fromEntries(AREAS.map((area) => [area, z.number()])) as Record<(typeof AREAS)[number], z.ZodNumber>,
);
const residualBounds = z.object({ min: z.number(), max: z.number() });
const mapeReport = z.object({ overall: z.number(), byArea: mapeByArea });

export const modelCardSchema = z.object({
  name: z.literal('household-monthly-kwh'),
  version: z
    .string()
    .regex(/^[0-9a-f]{12}$/, 'version must be the first 12 hex characters of sha256(model.onnx)'),
  modelFile: z.literal(ARTIFACT_FILES.model),
  onnx: z.object({
    opset: z.number().int(),
    irVersion: z.number().int(),
    input: z.string(),
    output: z.string(),
  }),
  featureSchema: z.object({
    columns: z.array(z.string()).min(1),
    scaling: z.object({
      expectedLnKwh: z.array(z.array(z.number())),
      residualBounds: z.object(
        Object.fromEntries(
          AREAS.map((area) => [area, z.object({ mixedFuel: residualBounds, allElectric: residualBounds })]),
        ) as Record<
          (typeof AREAS)[number],
          z.ZodObject<{ mixedFuel: typeof residualBounds; allElectric: typeof residualBounds }>
        >,
      ),
      residualKnots: z.array(z.number()),
    }),
  }),
  training: z.object({
    seed: z.number().int(),
    householdYears: z.number().int().positive(),
    trainHouseholdYears: z.number().int().positive(),
    heldOutHouseholdYears: z.number().int().positive(),
    split: z.string(),
    method: z.string(),
    ridgePenalty: z.number(),
  }),
  metrics: z.object({
    description: z.string(),
    heldOutMape: z.object({ model: mapeReport, flat: mapeReport, coefficients: mapeReport }),
    exportParity: z.object({
      description: z.string(),
      maxAbsDiffKwhBelow: z.number().positive(),
      maxRelativeDiffBelow: z.number().positive(),
    }),
  }),
});

export type ModelCard = z.infer<typeof modelCardSchema>;

/** The artifact's version: the first 12 hex characters of sha256 over model.onnx's bytes. */
export function contentVersion(modelBytes: Uint8Array): string {
  return createHash('sha256').update(modelBytes).digest('hex').slice(0, VERSION_HEX_CHARS);
}

/** Stable, diff-friendly JSON (2-space indent, trailing newline). */
export function serializeCard(card: ModelCard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}
