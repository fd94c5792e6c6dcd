import { z } from 'zod';
import { type StageSettings, stageSettings } from './stages.ts';

/**
 * What `cdk synth/deploy` is told from outside, read once from CDK context (cdk.json or `-c key=value`) and
 * validated before any construct is built. Precedence: `-c` on the command line > cdk.json > the defaults here.
 */
export const CONTEXT_KEYS = {
  stage: 'stage',
  githubRepository: 'githubRepository',
  githubBranch: 'githubBranch',
  functionUrlAuthType: 'functionUrlAuthType',
} as const;

/**
 * The `githubRepository` cdk.json ships with. Whoever owns that name on GitHub could assume a role that trusts it,
 * so every stage (each one deploys a role that trusts the repository) refuses it.
 */
export const PLACEHOLDER_REPOSITORY = 'example-org/shiftgate';

export interface AppConfig {
  readonly stage: string;
  readonly settings: StageSettings;
  readonly github: { readonly repository: string; readonly branch: string; readonly environment: string };
}

const contextSchema = z.object({
  [CONTEXT_KEYS.stage]: z.string().default('dev'),
  [CONTEXT_KEYS.githubRepository]: z
    .string({ error: 'is required: set it in cdk.json or pass -c githubRepository=<owner>/<name>' })
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be <owner>/<name>, e.g. my-org/shiftgate')
    .refine((repository) => repository.toLowerCase() !== PLACEHOLDER_REPOSITORY, {
      error: (issue) =>
        `is ${JSON.stringify(issue.input)}, cdk.json's placeholder: a deploy role trusting it would trust whoever ` +
        'owns that name on GitHub. Set your repository in cdk.json ("githubRepository": "<owner>/<name>") or pass ' +
        '-c githubRepository=<owner>/<name> (the workflows pass their own, github.repository)',
    }),
  [CONTEXT_KEYS.githubBranch]: z
    .string()
    .regex(/^[\w./-]+$/, 'must be a branch name')
    .default('main'),
  [CONTEXT_KEYS.functionUrlAuthType]: z.enum(['AWS_IAM', 'NONE']).optional(),
});

/** `readContext` is `app.node.tryGetContext`; every problem is reported at once, each naming its key. */
export function readAppConfig(readContext: (key: string) => unknown): AppConfig {
  const raw = Object.fromEntries(Object.values(CONTEXT_KEYS).map((key) => [key, readContext(key)]));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `context "${issue.path.join('.')}" ${issue.message}`);
    throw new Error(`Invalid CDK context:\n  ${problems.join('\n  ')}`);
  }
  const context = parsed.data;
  const base = stageSettings(context.stage);
  return {
    stage: context.stage,
    settings: { ...base, functionUrlAuthType: context.functionUrlAuthType ?? base.functionUrlAuthType },
    github: {
      repository: context.githubRepository,
      branch: context.githubBranch,
      // One name per stage, in the stage table, which the workflows' `environment:` must match.
      environment: base.githubEnvironment,
    },
  };
}
