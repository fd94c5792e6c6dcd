import type { Observer, RequestRecord } from '../observability.ts';

export function recordingObserver(): Observer & { requests: RequestRecord[]; errors: unknown[] } {
  const requests: RequestRecord[] = [];
  const errors: unknown[] = [];
  return {
    requests,
    errors,
    requestCompleted: (record) => requests.push(record),
    unexpectedError: (_requestId, error) => errors.push(error),
  };
}
