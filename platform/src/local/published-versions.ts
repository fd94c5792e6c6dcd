/**
 * The local function's published versions, as PublishVersion leaves them: numbered 1, 2, 3… in publish order, each
 * an immutable copy of an image context (versions.ts) with its faults, its own front (the version qualifier's URL)
 * and its log (CloudWatch Logs' log group, one file per version). Asking for one that was never published is a
 * NotFoundError naming those that were.
 */
import { join } from 'node:path';
import { describeError } from '../../../common/errors.ts';
import { BadRequestError, NotFoundError } from './control-api.ts';
import { type FaultPlan, parseFaults } from './faults.ts';
import type { Front } from './front.ts';
import { type LineLog, openLineLog } from './line-log.ts';
import { createVersionDir } from './versions.ts';

export interface Version {
  readonly dir: string;
  readonly faults: FaultPlan;
  readonly front: Front;
  /** The function's own log lines. */
  readonly logs: LineLog;
}

export class PublishedVersions {
  readonly #stateDir: string;
  readonly #log: (line: string) => void;
  readonly #versions = new Map<string, Version>();
  #published = 0;

  constructor(options: { readonly stateDir: string; readonly log: (line: string) => void }) {
    this.#stateDir = options.stateDir;
    this.#log = options.log;
  }

  /**
   * Publishes `contextDir` with `faults` as the next version, its front started by `startFront`. Faults that do
   * not parse and a context that cannot be copied are refused, and the number is not used up.
   */
  async publish(
    request: { readonly contextDir: string; readonly faults: readonly string[] },
    startFront: (version: string) => Promise<Front>,
  ): Promise<{ readonly version: string } & Version> {
    const faults = parseFaults(request.faults);
    // Taken before any await: two publishes at once get two numbers.
    this.#published += 1;
    const version = String(this.#published);
    const dir = join(this.#stateDir, 'versions', version);
    await createVersionDir(request.contextDir, dir).catch((error: unknown) => {
      // Nothing was published: the number goes back unless another publish took the next one meanwhile.
      if (this.#published === Number(version)) this.#published -= 1;
      throw new BadRequestError(`cannot publish version ${version}: ${describeError(error)}`, {
        cause: error,
      });
    });
    const logs = openLineLog(join(this.#stateDir, 'logs', `${version}.log`), this.#log);
    const front = await startFront(version);
    const published = { dir, faults, front, logs };
    this.#versions.set(version, published);
    return { version, ...published };
  }

  /** The published version, or a NotFoundError naming the published ones. */
  get(version: string): Version {
    const found = this.#versions.get(version);
    if (found === undefined) {
      throw new NotFoundError(
        `version ${version} is not published (published: ${this.describe()}): name one of those, or ` +
          'publish it first (npm run platform:local -- deploy)',
      );
    }
    return found;
  }

  has(version: string): boolean {
    return this.#versions.has(version);
  }

  /** The version numbers, in publish order. */
  numbers(): string[] {
    return [...this.#versions.keys()];
  }

  entries(): [version: string, Version][] {
    return [...this.#versions];
  }

  /** "1, 2, 3", or "none yet". */
  describe(): string {
    return this.numbers().join(', ') || 'none yet';
  }
}
