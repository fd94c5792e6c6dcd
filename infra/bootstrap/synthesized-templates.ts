/**
 * Every stage's templates, each stage synthesized as bin/app.ts would (its GitHub OIDC stack included) into a temp
 * folder, then removed. The shell side of bootstrap:policy and its tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readAppConfig } from '../config/app-config.ts';
import { STAGE_NAMES } from '../config/stages.ts';
import { addShiftgateStacks } from '../lib/shiftgate-app.ts';
import type { SynthesizedTemplate } from './role-boundary.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The repository changes names, never resource types or actions; any non-placeholder one will do. */
const ANY_REPOSITORY = 'owner/shiftgate';

export function synthesizedTemplates(): SynthesizedTemplate[] {
  return STAGE_NAMES.flatMap((stage) => {
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
      return app.synth().stacks.map(({ stackName, template }) => ({
        stackName: `${stackName} (stage ${stage})`,
        template: template as SynthesizedTemplate['template'],
      }));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
}

/** The resource types the templates hold, sorted, each once. */
export function resourceTypes(templates: readonly SynthesizedTemplate[]): string[] {
  const types = templates.flatMap(({ template }) =>
    Object.values(template.Resources ?? {}).map((r) => r.Type),
  );
  return [...new Set(types)].sort();
}
