/**
 * The resource types the app's templates hold, across every stage: each stage synthesized as bin/app.ts would
 * (its GitHub OIDC stack included) into a temp folder, then removed. The shell side of bootstrap:policy and its test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readAppConfig } from '../config/app-config.ts';
import { STAGE_NAMES } from '../config/stages.ts';
import { addShiftgateStacks } from '../lib/shiftgate-app.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The repository changes names, never resource types; any non-placeholder one will do. */
const ANY_REPOSITORY = 'owner/shiftgate';

export function templateResourceTypes(): string[] {
  const types = new Set<string>();
  for (const stage of STAGE_NAMES) {
    const outdir = mkdtempSync(join(tmpdir(), `shiftgate-policy-${stage}-`));
    try {
      const app = new App({ outdir });
      const context: Record<string, string> = { stage, githubRepository: ANY_REPOSITORY };
      addShiftgateStacks(
        app,
        readAppConfig((key) => context[key]),
        {},
        REPO_ROOT,
      );
      for (const stack of app.synth().stacks) {
        const resources =
          (stack.template as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
        for (const resource of Object.values(resources)) types.add(resource.Type);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return [...types].sort();
}
