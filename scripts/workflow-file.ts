/**
 * A GitHub Actions workflow as plain data: the parts our checks read (test/workflow-rules.ts, the shell linter),
 * typed once with zod and otherwise left as GitHub wrote them. Parsing is pure; readWorkflowFiles is the only
 * edge that touches the disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const permissionsSchema = z.union([z.enum(['read-all', 'write-all']), z.record(z.string(), z.string())]);
export type Permissions = z.infer<typeof permissionsSchema>;

const stepSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  shell: z.string().optional(),
  with: z.record(z.string(), scalar).optional(),
});
export type Step = z.infer<typeof stepSchema>;

const defaultsSchema = z.looseObject({
  run: z.looseObject({ shell: z.string().optional() }).optional(),
});

const concurrencySchema = z.union([
  z.string(),
  z.looseObject({ group: z.string(), 'cancel-in-progress': z.union([z.boolean(), z.string()]).optional() }),
]);

const jobSchema = z.looseObject({
  name: z.string().optional(),
  permissions: permissionsSchema.optional(),
  environment: z
    .union([z.string(), z.looseObject({ name: z.string(), url: z.string().optional() })])
    .optional(),
  concurrency: concurrencySchema.optional(),
  defaults: defaultsSchema.optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  steps: z.array(stepSchema).optional(),
  uses: z.string().optional(),
});
export type Job = z.infer<typeof jobSchema>;

const workflowSchema = z.looseObject({
  name: z.string().optional(),
  on: z.unknown(),
  permissions: permissionsSchema.optional(),
  concurrency: concurrencySchema.optional(),
  defaults: defaultsSchema.optional(),
  jobs: z.record(z.string(), jobSchema),
});
export type Workflow = z.infer<typeof workflowSchema>;

export interface WorkflowFile {
  /** The file's name inside .github/workflows/, e.g. `deploy.yml`. */
  readonly name: string;
  /** Its text as committed: comments (a pin's version) live only here. */
  readonly text: string;
  readonly workflow: Workflow;
}

/** Parses one workflow; the error names the file and every field that is not what GitHub accepts. */
export function parseWorkflowFile(name: string, text: string): WorkflowFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new Error(`${name}: not valid YAML; fix the syntax at the position given`, { cause: error });
  }
  const parsed = workflowSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`${name}: not a workflow this repository can check:\n  ${problems.join('\n  ')}`, {
      cause: parsed.error,
    });
  }
  return { name, text, workflow: parsed.data };
}

/** Every job of a workflow with its id, in file order. */
export function jobsOf(workflow: Workflow): Array<[id: string, job: Job]> {
  return Object.entries(workflow.jobs);
}

/** How the logs name a step: its name, else its id, else what it runs. */
export function stepLabel(step: Step, index: number): string {
  return step.name ?? step.id ?? step.uses ?? `step ${index + 1}`;
}

/** Reads and parses every `*.yml`/`*.yaml` in `dir`, sorted by name. */
export async function readWorkflowFiles(dir: string): Promise<WorkflowFile[]> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  if (names.length === 0) throw new Error(`no workflow (*.yml) in ${dir}; run from the repository root`);
  return Promise.all(
    names.map(async (name) => parseWorkflowFile(name, await readFile(join(dir, name), 'utf8'))),
  );
}
