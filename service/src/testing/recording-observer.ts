import type { Observer, RequestRecord } from '../observability.ts';

export function recordingObserver(): Observer & {
  requests: RequestRecord[];
  errors: unknown[];
  malformedEvents: unknown[];
} {
  const requests: RequestRecord[] = [];
  const errors: unknown[] = [];
  const malformedEvents: unknown[] = [];
  return {
    requests,
    errors,
    malformedEvents,
    requestCompleted: (record) => requests.push(record),
    unexpectedError: (_requestId, error) => errors.push(error),
    malformedEvent: (_requestId, error) => malformedEvents.push(error),
  };
}
