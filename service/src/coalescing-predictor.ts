import type { Household } from '../../model/src/domain.ts';
import type { Predictor } from '../../model/src/predictor.ts';

/**
 * Merges predict() calls made in the same event-loop turn into one model run. A run of this small model costs
 * about the same for 1 household or 64, so under concurrent load the server answers many requests for the
 * price of one. Calls are only ever merged with calls already waiting, so an idle server adds one
 * setImmediate hop (the model runs on one anyway). Every input has been validated, so a failing run is a
 * server fault and fails every request in it. It is what lets the server keep up with the stack's own floor
 * (docs/performance.md measures it on and off: `MICRO_BATCHING=off` turns it off); Lambda does not use it.
 */

interface Waiting {
  households: readonly Household[];
  resolve: (rows: number[][]) => void;
  reject: (error: unknown) => void;
}

export function coalescingPredictor(inner: Predictor, maxHouseholdsPerRun: number): Predictor {
  let waiting: Waiting[] = [];
  let waitingHouseholds = 0;
  let scheduled = false;

  function run(): void {
    const batch = waiting;
    waiting = [];
    waitingHouseholds = 0;
    if (batch.length === 0) return;
    const households = batch.flatMap((call) => call.households);
    inner.predict(households).then(
      (rows) => {
        if (rows.length !== households.length) {
          const error = new Error(
            `The model answered ${rows.length} rows for ${households.length} households.`,
          );
          for (const call of batch) call.reject(error);
          return;
        }
        let offset = 0;
        for (const call of batch) {
          call.resolve(rows.slice(offset, offset + call.households.length));
          offset += call.households.length;
        }
      },
      (error: unknown) => {
        for (const call of batch) call.reject(error);
      },
    );
  }

  return {
    modelVersion: inner.modelVersion,
    predict(households) {
      return new Promise((resolve, reject) => {
        if (waitingHouseholds + households.length > maxHouseholdsPerRun) run();
        waiting.push({ households, resolve, reject });
        waitingHouseholds += households.length;
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          run();
        });
      });
    },
  };
}
