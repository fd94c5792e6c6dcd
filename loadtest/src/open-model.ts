/**
 * The Node load generator: an open model at a constant arrival rate. Request i is due at start + i/rate whatever
 * happened to earlier requests, and its latency is measured from that due time, not from when it was actually
 * sent, so a slow target or a busy client shows up as latency (coordinated omission is not hidden).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { type Outcome, OutcomeRecorder } from './recorder.ts';
import type { RequestSigner } from './sigv4.ts';

export interface OpenModelPlan {
  /** Full URL of the endpoint, e.g. http://127.0.0.1:3000/predict. */
  url: string;
  ratePerSecond: number;
  durationSeconds: number;
  /** Serialized JSON bodies; request i sends bodies[i % length]. */
  bodies: readonly string[];
  /** Requests in flight at most; past it, due requests wait (and their wait counts as latency). */
  maxInFlight: number;
  /** From sending to the last byte of the answer; past it the request is a transport failure (k6's `timeout`). */
  requestTimeoutMs: number;
  /** Signs each request (SigV4 for an AWS_IAM Function URL). The next request is signed while the runner waits
   * for its due time, so signing stays out of the measured latency, as in k6, whose timings start at sending. */
  sign?: RequestSigner;
  /** From the availability SLO: responses at or above this status are errors. */
  badStatusFrom: number;
  /** Called with every outcome as it is recorded: a caller that judges while the run goes (and may abort it). */
  onOutcome?: (outcome: Outcome) => void;
}

export interface OpenModelRun {
  startedAt: Date;
  /** From the first due time to the last answer (the schedule, cut short if aborted, plus the drain). */
  elapsedSeconds: number;
  aborted: boolean;
  scheduled: number;
  /** Sent within the schedule window; the rest were dropped. */
  sent: number;
  dropped: number;
  recorder: OutcomeRecorder;
}

/** Sockets beyond this add client CPU without adding useful concurrency on a small runner; requests above it
 * queue in undici, and that queueing is still measured because latency starts at the due time. */
const MAX_CONNECTIONS = 256;
const JSON_HEADERS = { 'content-type': 'application/json' };
/** Node timers fire up to ~1 ms late; wake this much early and yield with setImmediate until the due time, so the
 * client's own lateness stays well under the 2 ms accuracy the runner promises. */
const EARLY_WAKE_MS = 1.5;
/** That yielding spins a core for up to EARLY_WAKE_MS per request; above this share of the interval (high rates)
 * plain timers are used: requests then leave in per-millisecond batches, each under 1 ms late, and the CPU goes to
 * sending instead. */
const MAX_SPIN_SHARE = 0.15;

function requestTimedOut(timeoutMs: number): Error {
  return new Error(`no complete answer within the request timeout of ${timeoutMs} ms`);
}

export function validatePlan(plan: OpenModelPlan): void {
  const problems: string[] = [];
  if (!/^https?:\/\//.test(plan.url)) problems.push(`url must be http(s)://..., got "${plan.url}"`);
  if (!(plan.ratePerSecond > 0)) problems.push(`ratePerSecond must be > 0, got ${plan.ratePerSecond}`);
  if (!(plan.durationSeconds > 0)) problems.push(`durationSeconds must be > 0, got ${plan.durationSeconds}`);
  if (plan.bodies.length === 0) problems.push('bodies must hold at least one request body');
  if (!(plan.maxInFlight >= 1)) problems.push(`maxInFlight must be >= 1, got ${plan.maxInFlight}`);
  if (!(plan.requestTimeoutMs > 0))
    problems.push(`requestTimeoutMs must be > 0, got ${plan.requestTimeoutMs}`);
  if (problems.length > 0) throw new Error(`invalid load plan: ${problems.join('; ')}`);
}

export async function runOpenModel(plan: OpenModelPlan, signal?: AbortSignal): Promise<OpenModelRun> {
  validatePlan(plan);
  const url = new URL(plan.url);
  const path = `${url.pathname}${url.search}`;
  const pool = new Pool(url.origin, {
    connections: Math.min(plan.maxInFlight, MAX_CONNECTIONS),
    keepAliveTimeout: 10_000,
  });
  const recorder = new OutcomeRecorder(plan.badStatusFrom);
  const intervalMs = 1_000 / plan.ratePerSecond;
  const earlyWakeMs = EARLY_WAKE_MS / intervalMs <= MAX_SPIN_SHARE ? EARLY_WAKE_MS : 0;
  const windowMs = plan.durationSeconds * 1_000;
  const scheduled = Math.round(plan.ratePerSecond * plan.durationSeconds);
  const startedAt = new Date();
  const t0 = performance.now();
  let next = 0;
  let inFlight = 0;
  let windowClosed = false;
  let aborted = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  let drain: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    drain = resolve;
  });

  const bodyOf = (index: number) => plan.bodies[index % plan.bodies.length] as string;
  // Signing costs ~40 us at the median but milliseconds at its tail (measured in docs/load-testing.md), so the
  // next request is signed ahead; a signature stays valid for minutes.
  let signedAhead: { index: number; headers: Promise<Record<string, string>> } | null = null;
  const signatureFor = (index: number, sign: RequestSigner) =>
    signedAhead?.index === index
      ? signedAhead.headers
      : sign({ url, headers: JSON_HEADERS, body: bodyOf(index) });
  const signAhead = (index: number) => {
    if (plan.sign === undefined || index >= scheduled || signedAhead?.index === index) return;
    const headers = plan.sign({ url, headers: JSON_HEADERS, body: bodyOf(index) });
    // A failure is reported by the send that awaits it; one never sent (the run ended) must not go unhandled.
    headers.catch(() => {});
    signedAhead = { index, headers };
  };

  const send = (index: number) => {
    const dueAt = t0 + index * intervalMs;
    const body = bodyOf(index);
    recorder.recordSendLag(performance.now() - dueAt);
    inFlight += 1;
    let finished = false;
    const finish = (outcome: Outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      recorder.record(outcome);
      plan.onOutcome?.(outcome);
      inFlight -= 1;
      if (windowClosed) {
        if (inFlight === 0) drain();
      } else if (inFlight === plan.maxInFlight - 1) {
        pump();
      }
    };
    let status = 0;
    let controller: { abort(reason: Error): void } | null = null;
    let timedOut = false;
    // One deadline for the whole request from the moment it is sent, as k6's `timeout` param: past it the
    // request is a transport failure, also when it was sent just before the end of the schedule.
    const deadline = setTimeout(() => {
      timedOut = true;
      controller?.abort(requestTimedOut(plan.requestTimeoutMs));
    }, plan.requestTimeoutMs);
    const dispatch = (headers: Record<string, string>) =>
      // A bare handler: no stream per response, which keeps the client's cost per request low.
      pool.dispatch(
        { origin: url.origin, path, method: 'POST', headers, body },
        {
          // undici treats a handler as the current (non-deprecated) kind only when it has onRequestStart.
          onRequestStart(requestController) {
            controller = requestController;
            if (timedOut) requestController.abort(requestTimedOut(plan.requestTimeoutMs));
          },
          onResponseStart(_controller, statusCode) {
            status = statusCode;
          },
          onResponseData() {},
          onResponseEnd() {
            finish({
              kind: 'response',
              status,
              latencyMs: performance.now() - dueAt,
              scheduledAtMs: dueAt - t0,
            });
          },
          onResponseError() {
            finish({ kind: 'transport_error', scheduledAtMs: dueAt - t0 });
          },
        },
      );
    if (plan.sign === undefined) dispatch(JSON_HEADERS);
    else
      signatureFor(index, plan.sign).then(dispatch, () =>
        finish({ kind: 'transport_error', scheduledAtMs: dueAt - t0 }),
      );
  };

  const cancelWake = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  const closeWindow = () => {
    windowClosed = true;
    cancelWake();
    if (inFlight === 0) drain();
  };

  function pump() {
    cancelWake();
    if (windowClosed) return;
    const elapsed = performance.now() - t0;
    const due = Math.min(scheduled, Math.floor(elapsed / intervalMs) + 1);
    while (next < due && inFlight < plan.maxInFlight) send(next++);
    if (elapsed >= windowMs || next >= scheduled) {
      closeWindow();
      return;
    }
    signAhead(next);
    // At the in-flight limit the next completion pumps; otherwise sleep until the next request is due.
    if (inFlight < plan.maxInFlight) {
      const wait = next * intervalMs - elapsed;
      if (wait > earlyWakeMs) timer = setTimeout(pump, wait - earlyWakeMs);
      else immediate = setImmediate(pump);
    } else {
      timer = setTimeout(pump, Math.max(0, windowMs - elapsed));
    }
  }

  const abort = () => {
    aborted = true;
    closeWindow();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    pump();
    await drained;
  } finally {
    signal?.removeEventListener('abort', abort);
    await pool.close();
  }
  const elapsedSeconds = (performance.now() - t0) / 1_000;
  return { startedAt, elapsedSeconds, aborted, scheduled, sent: next, dropped: scheduled - next, recorder };
}
