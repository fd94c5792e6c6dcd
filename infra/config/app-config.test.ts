import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_REPOSITORY, readAppConfig } from './app-config.ts';
import { parseStageSettings, STAGE_NAMES, STAGES, stageSettings } from './stages.ts';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];
const repo = { githubRepository: 'acme-ml/shiftgate' };

describe('readAppConfig', () => {
  it.each([
    {
      name: "defaults to the dev stage and the main branch, with dev's GitHub environment",
      context: repo,
      expected: {
        stage: 'dev',
        github: { repository: 'acme-ml/shiftgate', branch: 'main', environment: 'dev' },
      },
    },
    {
      name: "takes the stage, its settings and its GitHub environment (prod's is production) from the stage table",
      context: { ...repo, stage: 'prod' },
      expected: { stage: 'prod', settings: STAGES.prod, github: { environment: 'production' } },
    },
    {
      name: 'overrides the Function URL auth type and nothing else',
      context: { ...repo, functionUrlAuthType: 'NONE' },
      expected: { settings: { ...STAGES.dev, functionUrlAuthType: 'NONE' } },
    },
  ])('$name', ({ context, expected }) => {
    expect(readAppConfig(reader(context))).toMatchObject(expected);
  });

  it.each([
    { name: 'a missing repository', context: {}, error: /githubRepository" is required/ },
    {
      name: 'a repository without owner',
      context: { githubRepository: 'shiftgate' },
      error: /must be <owner>\/<name>/,
    },
    ...STAGE_NAMES.flatMap((stage) =>
      [PLACEHOLDER_REPOSITORY, 'Example-Org/ShiftGate'].map((githubRepository) => ({
        name: `cdk.json's placeholder repository ${githubRepository} for stage ${stage}`,
        context: { stage, githubRepository },
        error: new RegExp(
          `context "githubRepository" is "${githubRepository}", cdk\\.json's placeholder.*Set your repository in ` +
            'cdk\\.json \\("githubRepository": "<owner>/<name>"\\) or pass -c githubRepository=<owner>/<name>',
        ),
      })),
    ),
    {
      name: 'an unknown stage',
      context: { ...repo, stage: 'qa' },
      error: /Unknown stage "qa": pass -c stage=<dev\|prod>/,
    },
    {
      name: 'an unknown auth type',
      context: { ...repo, functionUrlAuthType: 'OPEN' },
      error: /functionUrlAuthType/,
    },
  ])('rejects $name, naming the key and the fix', ({ context, error }) => {
    expect(() => readAppConfig(reader(context))).toThrow(error);
  });
});

/** prod's alerting with some parts replaced, e.g. the page subscriptions. */
function alertingWith(change: {
  subscriptions?: Record<string, unknown[]>;
  expectInvocationsWithin?: unknown;
}): Record<string, unknown> {
  const base = STAGES.prod.alerting;
  return {
    alerting: {
      subscriptions: { ...base.subscriptions, ...change.subscriptions },
      expectInvocationsWithin:
        'expectInvocationsWithin' in change ? change.expectInvocationsWithin : base.expectInvocationsWithin,
    },
  };
}

describe('stage settings', () => {
  it('are valid for every stage', () => {
    for (const name of Object.keys(STAGES)) expect(() => stageSettings(name)).not.toThrow();
  });

  it('accept email and HTTPS webhook subscribers and a stage that may sit idle', () => {
    const alerting = {
      subscriptions: {
        page: [
          { kind: 'email', address: 'oncall@example.org' },
          { kind: 'webhook', url: 'https://relay.example.org/sns?team=ml' },
        ],
        ticket: [{ kind: 'email', address: 'ml-team@example.org' }],
      },
      expectInvocationsWithin: null,
    };
    expect(parseStageSettings('prod', { ...STAGES.prod, alerting }).alerting).toEqual(alerting);
  });

  it.each([
    {
      name: 'min above max',
      change: { provisionedConcurrency: { min: 3, max: 2 } },
      error: /min must not exceed max/,
    },
    {
      name: 'min 0, which target tracking cannot scale out of',
      change: { provisionedConcurrency: { min: 0, max: 2 } },
      error: /min/,
    },
    { name: 'memory above the Lambda maximum', change: { memoryMiB: 20_000 }, error: /memoryMiB/ },
    { name: 'an architecture Lambda lacks', change: { architecture: 'riscv64' }, error: /architecture/ },
    {
      name: 'a webhook over plain HTTP',
      change: alertingWith({
        subscriptions: { page: [{ kind: 'webhook', url: 'http://chat.example.org/hook' }] },
      }),
      error:
        /stage "prod".*alerting\.subscriptions\.page\.0\.url: must be an https:\/\/ URL on a public host/s,
    },
    {
      name: 'a webhook on an IP address',
      change: alertingWith({
        subscriptions: { ticket: [{ kind: 'webhook', url: 'https://10.0.0.1/hook' }] },
      }),
      error: /must be an https:\/\/ URL/,
    },
    {
      name: 'an email address without a domain',
      change: alertingWith({ subscriptions: { page: [{ kind: 'email', address: 'oncall' }] } }),
      error: /alerting\.subscriptions\.page\.0\.address: Invalid email address/,
    },
    {
      name: 'a subscription of an unknown kind',
      change: alertingWith({ subscriptions: { page: [{ kind: 'sms', number: '+10000000000' }] } }),
      error: /kind/,
    },
    {
      name: 'a silence window that is not a duration',
      change: alertingWith({ expectInvocationsWithin: '90 minutes' }),
      error: /expectInvocationsWithin: Invalid duration '90 minutes'/,
    },
    {
      name: 'a silence window over a day',
      change: alertingWith({ expectInvocationsWithin: '25h' }),
      error: /expectInvocationsWithin: '25h' is longer than CloudWatch's one-day alarm period/,
    },
  ])('reject $name', ({ change, error }) => {
    expect(() => parseStageSettings('prod', { ...STAGES.prod, ...change })).toThrow(error);
  });
});
