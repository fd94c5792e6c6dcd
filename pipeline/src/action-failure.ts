/**
 * The message an action fails its step with, for ANY thrown value, always led by the action's name so the run's
 * annotation says which step broke: an Error's message and causes (common/errors.ts), a string as it is, and for
 * anything else (a plain object, null, undefined) what it was, as JSON, rather than an empty message or
 * "[object Object]".
 */
import { describeError } from '../../common/errors.ts';

export function failureMessage(action: string, thrown: unknown): string {
  if (thrown instanceof Error || typeof thrown === 'string') {
    const described = describeError(thrown);
    if (described !== '') return `${action} failed: ${described}`;
  }
  let shown: string;
  try {
    shown = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    shown = String(thrown);
  }
  return `${action} failed: it threw ${thrown === null ? 'null' : typeof thrown} ${shown}`;
}
