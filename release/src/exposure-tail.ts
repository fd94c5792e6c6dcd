/**
 * A roll back's last figures. The verdict that rolls a candidate back is read metricsDelayMs behind the clock, and
 * live takes a while to come back on stable, so the candidate serves production after the last minute any bake
 * judged. Once live is back, this waits until those minutes have arrived, reads the candidate's traffic through
 * live from the last judged end (judgedFrom) once, and journals it as `exposure-tail`, so the report's exposure
 * counts every request the candidate served. It judges nothing: the release is already rolling back.
 */
import { describeError } from '../../common/errors.ts';
import type { VersionMetrics } from '../../platform/src/port.ts';
import { wholePeriods } from '../../platform/src/whole-periods.ts';
import { judgedFrom } from './bake.ts';
import { type ReleaseRun, seconds } from './release-run.ts';

/**
 * Reads and journals the exposure tail of a release rolled back after its candidate had traffic, once live is on
 * stable alone; nothing when it is already journaled (a resumed roll back), when the candidate never had traffic,
 * or when live is elsewhere (someone else moved it: the roll back said so). A failed read is a note, not a failure:
 * the roll back itself is done, and the report then counts the judged requests only.
 */
export async function recordExposureTail(run: ReleaseRun): Promise<void> {
  const { io, plan, started } = run;
  if (run.entries.some((entry) => entry.type === 'exposure-tail')) return;
  const from = judgedFrom(run);
  if (from === null) return;
  const alias = await run.platform.readAlias();
  if (alias.version !== started.stable || Object.keys(alias.weights).length > 0) return;
  const backAt = io.now();
  if (backAt.getTime() <= from.getTime()) return;
  const range = wholePeriods({ start: from, end: backAt }, plan.metricPeriodMs);
  const waitMs = range.end.getTime() + plan.metricsDelayMs - io.now().getTime();
  if (waitMs > 0) {
    io.progress.step(
      `live is back on ${started.stable}: reading the candidate's traffic since its last judgement in ${seconds(waitMs)}`,
    );
    await io.sleep(waitMs);
  }
  let candidate: VersionMetrics;
  try {
    candidate = await run.platform.versionMetrics(started.candidate, range, 'live');
  } catch (error) {
    run.note(
      `the candidate's traffic after its last judgement (${range.start.toISOString()} to ` +
        `${range.end.toISOString()}) could not be read (${describeError(error)}): the exposure counts its judged ` +
        'requests only',
    );
    return;
  }
  await run.record('exposure-tail', { candidate });
}
