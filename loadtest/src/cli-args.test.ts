import { describe, expect, it } from 'vitest';
import { defaultResultPath, parseLoadtestArgs } from './cli-args.ts';

describe('parseLoadtestArgs', () => {
  it('defaults to the smoke scenario, the local service and the automatic engine', () => {
    expect(parseLoadtestArgs([], {})).toEqual({
      run: { scenario: 'smoke', ratePerSecond: 20, durationSeconds: 10 },
      target: null,
      platform: null,
      engine: 'auto',
      out: null,
      gitSha: null,
      sigv4: false,
    });
  });

  it('takes every option, and the commit from GITHUB_SHA unless --git-sha says otherwise', () => {
    const argv = [
      '--scenario',
      'canary',
      '--target',
      'https://abc.lambda-url.ap-northeast-1.on.aws/',
      '--rate',
      '30',
    ];
    const options = parseLoadtestArgs([...argv, '--engine', 'node', '--out', 'r.json', '--sigv4'], {
      GITHUB_SHA: 'cafe',
    });
    expect(options).toEqual({
      run: { scenario: 'canary', ratePerSecond: 30, durationSeconds: 60 },
      target: 'https://abc.lambda-url.ap-northeast-1.on.aws/',
      platform: null,
      engine: 'node',
      out: 'r.json',
      gitSha: 'cafe',
      sigv4: true,
    });
    expect(parseLoadtestArgs(['--git-sha', 'beef'], { GITHUB_SHA: 'cafe' }).gitSha).toBe('beef');
  });

  it('takes --platform local instead of a target', () => {
    expect(parseLoadtestArgs(['--scenario', 'pr', '--platform', 'local'], {})).toMatchObject({
      run: { scenario: 'pr', ratePerSecond: 200, durationSeconds: 60 },
      target: null,
      platform: 'local',
    });
  });

  it.each([
    [
      ['--platform', 'local', '--target', 'http://127.0.0.1:3000'],
      '--platform local starts its own platform and measures its live URL, so it cannot also take --target http://127.0.0.1:3000; pass one of them',
    ],
    [['--platform', 'aws'], '--platform must be one of local, got "aws"'],
    [['--platform', 'local', '--sigv4'], '--sigv4 signs requests to a deployed Function URL'],
    [['--sigv4'], '--sigv4 signs requests to a deployed Function URL; pass it with --target https://...'],
    [['--scenario', 'soak'], 'unknown scenario "soak"; choose one of: smoke, pr, canary'],
    [
      ['--target', 'localhost:3000'],
      '--target must be an http(s) base URL like http://127.0.0.1:3000, got "localhost:3000"',
    ],
    [['--engine', 'wrk'], '--engine must be one of auto, k6, node, got "wrk"'],
    [['--rate', '0'], 'rate must be a positive whole number, got "0"'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseLoadtestArgs(argv, {})).toThrow(message);
  });
});

describe('defaultResultPath', () => {
  it('names the file by scenario and start time, without characters some file systems refuse', () => {
    expect(defaultResultPath('pr', new Date('2026-11-29T01:50:07.123Z'))).toBe(
      'loadtest/results/pr-2026-11-29T01-50-07Z.json',
    );
  });
});
