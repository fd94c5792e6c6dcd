import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_OPTIONS_FLAGS } from './context-plan.ts';
import { finalStageEnv } from './dockerfile-env.ts';

const DOCKERFILE = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const BUILD_STAGE = 'FROM node:22 AS build\nENV BUILD_ONLY=1\n';

describe('finalStageEnv reads', () => {
  it.each([
    { name: 'one pair', text: 'FROM base\nENV A=b\n', env: { A: 'b' } },
    { name: 'several pairs on one line', text: 'FROM base\nENV A=b C=d\n', env: { A: 'b', C: 'd' } },
    {
      name: 'pairs over continued lines',
      text: 'FROM base\nENV A=b \\\n    C=d\n',
      env: { A: 'b', C: 'd' },
    },
    {
      name: 'quoted and escaped values',
      text: `FROM base\nENV A="b c" D='e f' G=h\\ i J=\\$literal\n`,
      env: { A: 'b c', D: 'e f', G: 'h i', J: '$literal' },
    },
    { name: 'an empty value', text: 'FROM base\nENV A=\n', env: { A: '' } },
    {
      name: 'a later ENV of a name over an earlier one',
      text: 'FROM base\nENV A=1\nENV A=2\n',
      env: { A: '2' },
    },
    { name: 'only the final stage', text: `${BUILD_STAGE}FROM base\nENV A=b\n`, env: { A: 'b' } },
    { name: 'a final stage without ENV', text: `${BUILD_STAGE}FROM base\nCMD ["x"]\n`, env: {} },
  ])('$name', ({ text, env }) => {
    expect(finalStageEnv(text)).toEqual(env);
  });

  it("the project's Dockerfile: the flags context-plan.ts names", () => {
    expect(finalStageEnv(DOCKERFILE)).toEqual({ NODE_OPTIONS: NODE_OPTIONS_FLAGS });
  });
});

describe('finalStageEnv refuses', () => {
  it.each([
    { name: 'no FROM', text: 'ENV A=b\n', message: /has no FROM instruction/ },
    {
      name: 'the legacy NAME value form',
      text: 'FROM base\nENV A b c\n',
      message: /line 2: ENV A b c is the legacy NAME value form: write ENV A=<value>/,
    },
    {
      name: 'a variable reference',
      text: 'FROM base\nENV A=$PATH:/opt/bin\n',
      message: /line 2: ENV A=\$PATH:\/opt\/bin refers to a variable/,
    },
    {
      name: 'a braced variable reference among readable pairs',
      text: `FROM base\nENV A=b C=\${D}\n`,
      message: /line 2: ENV C=\$\{D\} refers to a variable/,
    },
    {
      name: 'a final stage built from an earlier stage',
      text: `${BUILD_STAGE}FROM build\nENV A=b\n`,
      message: /line 3: the final stage is built FROM stage build and inherits its ENV/,
    },
    {
      name: 'every unreadable ENV at once',
      text: 'FROM base\nENV A b\nENV C=$D\n',
      message: /line 2: .*legacy.*; line 3: .*refers to a variable/,
    },
  ])('$name', ({ text, message }) => {
    expect(() => finalStageEnv(text)).toThrow(message);
  });
});
