/**
 * The input rules every ReleaseRecordStore applies before it writes (the local file, DynamoDB): the same refusal
 * for the same bad input, whichever store a release runs on.
 */
import { describeError } from '../../common/errors.ts';

/** Refuses a name (release id, holder, entry type, table) that is not a non-empty string. */
export function checkName(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RangeError(`${field} ${JSON.stringify(value)} is not a non-empty string: name it`);
  }
}

/** The data as the journal will hold it (JSON), refused before anything is written when JSON cannot hold it. */
export function jsonCopy(data: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new RangeError(
      `journal entry data cannot be written as JSON (${describeError(error)}): send plain data`,
      {
        cause: error,
      },
    );
  }
  return text === undefined ? null : JSON.parse(text);
}
