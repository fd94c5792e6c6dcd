/**
 * What `npm run image:smoke` writes and `image:report` reads: its own module so the pr-report action's bundle
 * takes the schema without the smoke client (which reads the captured Lambda event from the repository).
 */
import { z } from 'zod';

export const smokeResultSchema = z.object({
  ok: z.boolean(),
  url: z.string(),
  /** POSTs made, connection refusals included. */
  attempts: z.number().int(),
  elapsedMs: z.number(),
  /** The handler's statusCode; null when there was no handler result. */
  statusCode: z.number().int().nullable(),
  /** What was seen: the prediction's figures when ok, else why not. */
  detail: z.string(),
});
export type SmokeResult = z.infer<typeof smokeResultSchema>;
