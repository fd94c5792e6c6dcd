import type { GiveUpReason } from './retry-policy.ts';

/** One offending field of a problem+json answer: a JSON Pointer into the body and what is wrong there. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/**
 * An answer that is not a success, with its RFC 9457 problem details when the body had them. Thrown at once for
 * a 4xx other than 429 (the request itself is wrong: fix the fields in `errors`); the last cause of a
 * GiveUpError when a 429 or 5xx outlasted the retries.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly ProblemFieldError[];

  constructor(fields: {
    url: string;
    status: number;
    title: string;
    detail?: string;
    errors: ProblemFieldError[];
  }) {
    const listed = fields.errors.map((error) => `${error.path || '(body)'}: ${error.message}`).join('; ');
    super(
      `POST ${fields.url} answered ${fields.status} ${fields.title}` +
        `${fields.detail === undefined ? '' : `: ${fields.detail}`}${listed === '' ? '' : ` [${listed}]`}`,
    );
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail;
    this.errors = fields.errors;
  }
}

/** The call stopped retrying: `why` says which limit ended it, `cause` is the last attempt's failure. */
export class GiveUpError extends Error {
  override readonly name = 'GiveUpError';
  readonly attempts: number;
  readonly why: GiveUpReason;

  constructor(fields: { url: string; attempts: number; why: GiveUpReason; cause: unknown }) {
    const advice: Record<GiveUpReason, string> = {
      'attempts exhausted': 'raise maxAttempts if the service recovers that slowly',
      deadline: 'raise deadlineMs if the caller can wait longer',
      'budget spent': 'retries are over 10 % of recent requests: the service is failing, not flaking',
    };
    super(
      `POST ${fields.url} failed after ${fields.attempts} attempt${fields.attempts === 1 ? '' : 's'} ` +
        `(${fields.why}: ${advice[fields.why]})`,
      { cause: fields.cause },
    );
    this.attempts = fields.attempts;
    this.why = fields.why;
  }
}
