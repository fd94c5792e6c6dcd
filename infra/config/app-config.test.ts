import { describe, expect, it } from 'vitest';
import { readAppConfig } from './app-config.ts';
import { STAGES, stageSettings, stageSettingsSchema } from './stages.ts';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];
const repo = { githubRepository: 'example-org/shiftgate' };

describe('readAppConfig', () => {
  it.each([
    {
      name: 'defaults to the dev stage, the main branch and an environment named after the stage',
      context: repo,
      expected: {
        stage: 'dev',
        github: { repository: 'example-org/shiftgate', branch: 'main', environment: 'dev' },
      },
    },
    {
      name: 'takes the stage and its settings from context',
      context: { ...repo, stage: 'prod' },
      expected: { stage: 'prod', settings: STAGES.prod, github: { environment: 'prod' } },
    },
    {
      name: 'lets a GitHub environment of another name be trusted',
      context: { ...repo, stage: 'prod', githubEnvironment: 'production' },
      expected: { github: { environment: 'production' } },
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

describe('stage settings', () => {
  it('are valid for every stage', () => {
    for (const name of Object.keys(STAGES)) expect(() => stageSettings(name)).not.toThrow();
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
  ])('reject $name', ({ change, error }) => {
    expect(() => stageSettingsSchema.parse({ ...STAGES.prod, ...change })).toThrow(error);
  });
});
