import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, readConfig } from './config.ts';

describe('readConfig', () => {
  it('defaults everything, resolving the model directory against the working directory', () => {
    expect(readConfig({}, '/srv/app')).toEqual({
      port: 3000,
      host: '127.0.0.1',
      modelDir: '/srv/app/model/artifacts',
      metricsNamespace: CONFIG_DEFAULTS.metricsNamespace,
      stage: undefined,
      functionVersion: '$LATEST',
      microBatching: true,
    });
  });

  it('takes every variable from the environment', () => {
    const env = {
      PORT: '0',
      HOST: '0.0.0.0',
      MODEL_DIR: '/opt/model',
      POWERTOOLS_METRICS_NAMESPACE: 'Other',
      SHIFTGATE_STAGE: 'prod',
      AWS_LAMBDA_FUNCTION_VERSION: '12',
      MICRO_BATCHING: 'off',
    };
    expect(readConfig(env, '/srv/app')).toEqual({
      port: 0,
      host: '0.0.0.0',
      modelDir: '/opt/model',
      metricsNamespace: 'Other',
      stage: 'prod',
      functionVersion: '12',
      microBatching: false,
    });
  });

  it.each([
    { env: { MODEL_DIR: 'artifacts' }, modelDir: '/srv/app/artifacts' },
    { env: { MODEL_DIR: '  ' }, modelDir: '/srv/app/model/artifacts' },
    { env: { PORT: ' 8080 ' }, port: 8080 },
    { env: { PORT: '' }, port: 3000 },
    { env: { SHIFTGATE_STAGE: '  ' }, stage: undefined },
    { env: { MICRO_BATCHING: 'on' }, microBatching: true },
  ])('reads $env', ({ env, ...expected }) => {
    expect(readConfig(env, '/srv/app')).toMatchObject(expected);
  });

  it.each(['abc', '-1', '3.5', '65536', '1e3'])(
    'refuses PORT=%s, naming the variable and the fix',
    (port) => {
      expect(() => readConfig({ PORT: port }, '/')).toThrow(
        `PORT="${port}" is not a TCP port; set it to an integer`,
      );
    },
  );

  it.each(['yes', 'true', '0'])('refuses MICRO_BATCHING=%s, naming the variable and the fix', (value) => {
    expect(() => readConfig({ MICRO_BATCHING: value }, '/')).toThrow(
      `MICRO_BATCHING="${value}" is neither on nor off; set it to on or off`,
    );
  });
});
