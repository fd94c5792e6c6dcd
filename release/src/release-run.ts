/**
 * One release as the shell carries it: its `started` data, the journal written so far, and the two things it
 * writes to it, entries (each before the change it announces) and the scaling it saved. Also the shell's one way
 * of waiting for the platform, so every wait has a deadline and says what it waited for.
 */
import type { JournalEntry, ScalingTarget } from '../../platform/src/port.ts';
import { entry } from './journal.ts';
import type { JournalData, JournalType, ReleaseStarted } from './model.ts';
import type { ReleaseIo } from './ports.ts';

export type SavedScaling =
  | { readonly saved: true; readonly previous: ScalingTarget | null }
  | { readonly saved: false };

export class ReleaseRun {
  readonly io: ReleaseIo;
  readonly started: ReleaseStarted;
  readonly entries: JournalEntry[];
  scaling: SavedScaling;
  /** What the release left as it found it and why (a human moved live): added to the finished entry's reasons. */
  readonly notes: string[] = [];
  #nextSequence: number;

  constructor(
    io: ReleaseIo,
    started: ReleaseStarted,
    journal: {
      readonly entries: readonly JournalEntry[];
      readonly nextSequence: number;
      readonly scaling: SavedScaling;
    },
  ) {
    this.io = io;
    this.started = started;
    this.entries = [...journal.entries];
    this.#nextSequence = journal.nextSequence;
    this.scaling = journal.scaling;
  }

  get platform() {
    return this.io.platform;
  }

  get plan() {
    return this.started.plan;
  }

  async record<T extends JournalType>(type: T, data: JournalData[T]): Promise<void> {
    const written = await this.platform.releaseRecord.append(
      entry(this.started.releaseId, type, data),
      this.#nextSequence,
    );
    this.entries.push(written);
    this.#nextSequence = written.sequence + 1;
  }

  /** Saves live's scalable target in the journal (once per release), then suspends it (again after a resume). */
  async suspendScaling(): Promise<void> {
    if (!this.scaling.saved) {
      const previous = await this.platform.scalingTarget();
      await this.record('scaling-saved', { previous });
      this.scaling = { saved: true, previous };
    }
    // Suspending twice leaves it suspended: a resumed release does it again rather than guess whether it had.
    if (this.scaling.previous !== null) {
      await this.record('scaling-change', { change: 'suspend' });
      await this.platform.suspendScaling();
    }
  }

  /** Puts back exactly the target saved before the release suspended it; nothing when it saved none. */
  async restoreScaling(): Promise<void> {
    if (this.scaling.saved && this.scaling.previous !== null) {
      await this.record('scaling-change', { change: 'resume' });
      await this.platform.resumeScaling(this.scaling.previous);
    }
  }

  /** Puts `executions` of PC on `qualifier`, journaled first. */
  async putProvisionedConcurrency(qualifier: string, executions: number): Promise<void> {
    await this.record('pc-change', { qualifier, executions });
    await this.platform.putProvisionedConcurrency(qualifier, executions);
  }

  /** Removes `qualifier`'s PC, journaled first; nothing (and nothing journaled) when it has none. */
  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    if ((await this.platform.provisionedConcurrency(qualifier)) === null) return;
    await this.record('pc-change', { qualifier, executions: null });
    await this.platform.removeProvisionedConcurrency(qualifier);
  }

  note(line: string): void {
    this.notes.push(line);
    this.io.progress.step(line);
  }
}

export type Poll<T> =
  | { readonly done: true; readonly value: T }
  | { readonly done: false; readonly why: string };

/**
 * Calls `poll` until it is done, `timeoutMs` after the first call at most; then the last `why`. The interval is a
 * fraction of the deadline: seconds locally, where PC is READY at once, and tens of seconds on AWS, where it takes
 * minutes and every Get is an API call.
 */
export async function waitFor<T>(
  io: ReleaseIo,
  timeoutMs: number,
  poll: () => Promise<Poll<T>>,
): Promise<Poll<T>> {
  const deadline = io.now().getTime() + timeoutMs;
  const interval = Math.min(10_000, Math.max(250, Math.round(timeoutMs / 60)));
  for (;;) {
    const result = await poll();
    if (result.done || io.now().getTime() >= deadline) return result;
    await io.sleep(interval);
  }
}

export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
