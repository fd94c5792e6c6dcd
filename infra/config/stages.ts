import { z } from 'zod';
import { alarmPeriodDurationProblem } from '../../slo/src/cloudwatch-limits.ts';
import { LAMBDA_ARCHITECTURES } from '../image/architecture.ts';

/**
 * Per-stage settings of the stack. Each number is chosen here, once, with its reason; the stack, its tests and
 * docs/infrastructure.md read them from this table.
 */
const provisionedConcurrencySchema = z
  .object({
    // Target tracking on utilisation cannot scale out from 0 (no utilisation is reported), so at least 1.
    min: z.int().min(1),
    max: z.int().min(1),
  })
  .refine((pc) => pc.min <= pc.max, { message: 'provisionedConcurrency.min must not exceed max' });

/**
 * Who hears an alert. SNS delivers to an email address after its owner clicks the confirmation link, and POSTs
 * to an HTTPS endpoint after the endpoint confirms the subscription (it must visit the SubscribeURL SNS sends
 * first): a chat tool's incoming-webhook URL needs a relay that does that, see docs/infrastructure.md.
 */
const alertSubscriptionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), address: z.email() }),
  z.object({
    kind: z.literal('webhook'),
    url: z.url({
      protocol: /^https$/,
      hostname: z.regexes.domain,
      error: 'must be an https:// URL on a public host',
    }),
  }),
]);
export type AlertSubscription = z.infer<typeof alertSubscriptionSchema>;

/** A window of silence, '30m' to '1d': one alarm period (slo/src/cloudwatch-limits.ts says why a day at most). */
const silenceWindowSchema = z.string().superRefine((value, context) => {
  const problem = alarmPeriodDurationProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

const alertingSchema = z.object({
  /** Subscribers of the `page` topic (wake someone up) and of the `ticket` topic (look at it today). */
  subscriptions: z.object({
    page: z.array(alertSubscriptionSchema),
    ticket: z.array(alertSubscriptionSchema),
  }),
  /**
   * null: the stage may sit idle, so silence raises nothing. Otherwise live is expected to be invoked at least
   * once in every window this long, and a window without a single invocation pages (slo/src/missing-data-plan.ts).
   */
  expectInvocationsWithin: silenceWindowSchema.nullable(),
});
export type AlertingSettings = z.infer<typeof alertingSchema>;

const stageSettingsSchema = z.object({
  memoryMiB: z.int().min(128).max(10_240),
  timeoutSeconds: z.int().min(1).max(900),
  architecture: z.enum(LAMBDA_ARCHITECTURES),
  logRetentionDays: z.int().positive(),
  provisionedConcurrency: provisionedConcurrencySchema,
  functionUrlAuthType: z.enum(['AWS_IAM', 'NONE']),
  /** Lambda's own log lines (START, REPORT...): INFO keeps them, WARN drops them. */
  systemLogLevel: z.enum(['INFO', 'WARN']),
  alerting: alertingSchema,
  /**
   * The GitHub environment whose jobs (and only those) may assume the stage's deploy role; the workflows declare
   * `environment:` with this name, so its protection rules (reviewers, main only) gate every deploy and release.
   */
  githubEnvironment: z.string().regex(/^[\w.-]+$/, 'must be a GitHub environment name'),
  /**
   * RETAIN keeps the function's log group when the stack is deleted (an incident can still be read back after a
   * teardown); DESTROY removes it with the stack.
   */
  logGroupOnStackDeletion: z.enum(['RETAIN', 'DESTROY']),
});
export type StageSettings = z.infer<typeof stageSettingsSchema>;

const shared = {
  // ~0.6 vCPU: the model is a few hundred bytes of linear algebra, so a request is dominated by JSON and
  // validation; more memory buys CPU we would not use. The load test's p95 tells whether to move to 1769 MiB
  // (one full vCPU).
  memoryMiB: 1024,
  // A prediction takes milliseconds; 5 s bounds what one stuck request can cost while staying far above the
  // 80 ms p95 objective. Init (loading onnxruntime and the model) has its own 10 s limit and is done ahead of
  // traffic for provisioned environments.
  timeoutSeconds: 5,
  // onnxruntime's arm64 build aborts at start-up on Lambda (microsoft/onnxruntime#10038: no
  // /sys/devices/system/cpu/possible); arm64 stays buildable and can be switched on once a release with the
  // cpuinfo fix (microsoft/onnxruntime#28230) is verified on a real arm64 function.
  architecture: 'x86_64',
  // Callers sign with SigV4 (IAM). The URL has no WAF or rate limit of its own, so an open URL would let anyone
  // run up the bill; a stage can opt into NONE for a public demo.
  functionUrlAuthType: 'AWS_IAM',
} as const;

export const STAGES = {
  dev: {
    ...shared,
    logRetentionDays: 7,
    // dev is torn down and rebuilt at will; its logs go with it.
    logGroupOnStackDeletion: 'DESTROY',
    githubEnvironment: 'dev',
    // The REPORT line (init duration, max memory used) is what sizing memory and reading cold starts need.
    systemLogLevel: 'INFO',
    // One warm environment keeps dev latency comparable with prod; two is enough for a load test at low rate.
    provisionedConcurrency: { min: 1, max: 2 },
    alerting: {
      // Add e.g. { kind: 'email', address: 'dev-team@example.org' }; see docs/infrastructure.md.
      subscriptions: { page: [], ticket: [] },
      // dev serves load tests and demos, then nothing for days: silence there is normal.
      expectInvocationsWithin: null,
    },
  },
  prod: {
    ...shared,
    // Covers the 28-day SLO window, so an incident can be read back over the whole window it burns.
    logRetentionDays: 30,
    // prod's logs are the record of what clients saw: deleting the stack (by mistake, or to rebuild it) must not
    // delete them too. A retained group outlives the stack; delete it by hand once no longer needed.
    logGroupOnStackDeletion: 'RETAIN',
    // The workflows (deploy.yml, rollback.yml) run in `production`, GitHub's conventional name for it.
    githubEnvironment: 'production',
    // START/REPORT lines are ~45% of the log bytes per request (docs/infrastructure.md, cost table); duration
    // and spillover (cold starts) are already metrics. Switch to INFO while re-sizing memory.
    systemLogLevel: 'WARN',
    // 2 keeps a warm spare during a release (the alias splits provisioned concurrency between two versions by
    // weight); 10 serves ~250 req/s at 20 ms and utilisation 0.5 before spilling over to on-demand.
    provisionedConcurrency: { min: 2, max: 10 },
    alerting: {
      // Add e.g. { kind: 'email', address: 'oncall@example.org' } or
      // { kind: 'webhook', url: 'https://relay.example.org/sns' }; see docs/infrastructure.md.
      subscriptions: { page: [], ticket: [] },
      // prod has clients: an hour without a single invocation means they cannot reach it (a broken URL, auth or
      // DNS in front of it) while every SLO alarm, which only sees requests that arrive, stays quiet. Keep a
      // synthetic probe running if real traffic can pause that long, and make it POST /predict (it then feeds
      // the SLOs too): a /health probe more often than once a minute would raise app-metrics-missing in every
      // quiet hour (slo/src/missing-data-plan.ts).
      expectInvocationsWithin: '1h',
    },
  },
} as const satisfies Record<string, StageSettings>;

export type StageName = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

/** Target utilisation for provisioned-concurrency auto scaling: scale out when half of it is busy. */
export const PROVISIONED_CONCURRENCY_TARGET_UTILIZATION = 0.5;

export function stageSettings(name: string): StageSettings {
  if (!Object.hasOwn(STAGES, name)) {
    throw new Error(
      `Unknown stage "${name}": pass -c stage=<${STAGE_NAMES.join('|')}> or add it to infra/config/stages.ts.`,
    );
  }
  return parseStageSettings(name, STAGES[name as StageName]);
}

/** Validates one stage's settings; the error names the stage and every bad setting by its path. */
export function parseStageSettings(name: string, raw: unknown): StageSettings {
  const parsed = stageSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(
    `Invalid settings for stage "${name}" in infra/config/stages.ts:\n  ${problems.join('\n  ')}`,
    { cause: parsed.error },
  );
}
