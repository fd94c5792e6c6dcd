/**
 * The local function's published versions, as PublishVersion leaves them: numbered 1, 2, 3… in publish order, each
 * an immutable copy of an image context (versions.ts) with its faults, the image's ENV, its own front (the version
 * qualifier's URL) and its log (CloudWatch Logs' log group, one file per version). Asking for one that was never
 * published is a NotFoundError naming those that were.
 *
 * The image context holds what the final stage copies, not what it sets: its ENV comes from the Dockerfile, read
 * when the version is published (as an image carries the ENV it was built with) and kept beside the version's
 * copy as `versions/<n>.image-env.json`, which says what every environment of that version was given.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { describeError } from '../../../common/errors.ts';
import { finalStageEnv } from '../../../infra/image/dockerfile-env.ts';
import { BadRequestError, NotFoundError } from './control-api.ts';
import { type FaultPlan, parseFaults } from './faults.ts';
import type { Front } from './front.ts';
import { type LineLog, openLineLog } from './line-log.ts';
import { createVersionDir } from './versions.ts';

export interface Version {
  readonly dir: string;
  readonly faults: FaultPlan;
  /** The ENV of the Dockerfile's final stage when the version was published. */
  readonly imageEnv: Readonly<Record<string, string>>;
  readonly front: Front;
  /** The function's own log lines. */
  readonly logs: LineLog;
}

export class PublishedVersions {
  readonly #stateDir: string;
  readonly #dockerfile: string;
  readonly #log: (line: string) => void;
  readonly #versions = new Map<string, Version>();
  #published = 0;

  constructor(options: {
    readonly stateDir: string;
    /** The Dockerfile whose final stage the image contexts are laid out for. */
    readonly dockerfile: string;
    readonly log: (line: string) => void;
  }) {
    this.#stateDir = options.stateDir;
    this.#dockerfile = options.dockerfile;
    this.#log = options.log;
  }

  /**
   * Publishes `contextDir` with `faults` and the Dockerfile's ENV as the next version, its front started by
   * `startFront`. Faults that do not parse, a Dockerfile whose ENV cannot be read and a context that cannot be
   * copied are refused, nothing of the version is left, and the number is not used up.
   */
  async publish(
    request: { readonly contextDir: string; readonly faults: readonly string[] },
    startFront: (version: string) => Promise<Front>,
  ): Promise<{ readonly version: string } & Version> {
    const faults = parseFaults(request.faults);
    const imageEnv = await this.#readImageEnv();
    // Taken with no await between reading and counting: two publishes at once get two numbers.
    this.#published += 1;
    const version = String(this.#published);
    const dir = join(this.#stateDir, 'versions', version);
    const imageEnvFile = `${dir}.image-env.json`;
    try {
      await writeFileAtomic(imageEnvFile, `${JSON.stringify(imageEnv, null, 2)}\n`);
      await createVersionDir(request.contextDir, dir);
    } catch (error) {
      await rm(imageEnvFile, { force: true });
      // Nothing was published: the number goes back unless another publish took the next one meanwhile.
      if (this.#published === Number(version)) this.#published -= 1;
      throw new BadRequestError(`cannot publish version ${version}: ${describeError(error)}`, {
        cause: error,
      });
    }
    const logs = openLineLog(join(this.#stateDir, 'logs', `${version}.log`), this.#log);
    const front = await startFront(version);
    const published = { dir, faults, imageEnv, front, logs };
    this.#versions.set(version, published);
    return { version, ...published };
  }

  async #readImageEnv(): Promise<Record<string, string>> {
    try {
      return finalStageEnv(await readFile(this.#dockerfile, 'utf8'));
    } catch (error) {
      throw new BadRequestError(
        `cannot publish a version without the image's ENV from ${this.#dockerfile}: ${describeError(error)}; ` +
          'fix the Dockerfile (npm run lint:dockerfile) and publish again',
        { cause: error },
      );
    }
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
