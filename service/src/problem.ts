import type { z } from 'zod';

/**
 * RFC 9457 problem details: the one error shape every route answers with. Pure data builders; the app only
 * turns a Problem into a Response.
 */

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request body; '' is the whole body. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * With type 'about:blank' RFC 9457 says the title is the status phrase, so clients branch on status alone;
 * `detail` and `errors` say what to fix.
 */
const STATUS_TITLES = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
} as const;

export type ProblemStatus = keyof typeof STATUS_TITLES;

export function problem(status: ProblemStatus, detail: string, errors: FieldError[] = []): Problem {
  return { type: 'about:blank', title: STATUS_TITLES[status], status, detail, errors };
}

/** RFC 6901: '~' and '/' inside a key are escaped so every pointer round-trips. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Every issue becomes one field error; an unknown key is reported at its own path so the client can drop it. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: jsonPointer([...issue.path, key]),
          message: 'Unknown field: remove it (see /openapi.json for the accepted fields)',
        }))
      : [{ path: jsonPointer(issue.path), message: issue.message }],
  );
}

export function problemResponse(body: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** A server fault: what failed is logged, never sent. */
export function serverFaultProblem(): Problem {
  return problem(500, 'The server failed to answer; the error is logged, please retry later.');
}
