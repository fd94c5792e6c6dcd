import { describe, expect, it } from 'vitest';
import { predictUrl, statusMetricName } from './k6-contract.ts';

describe('predictUrl', () => {
  it.each([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000/predict'],
    ['https://abc.lambda-url.ap-northeast-1.on.aws/', 'https://abc.lambda-url.ap-northeast-1.on.aws/predict'],
    ['https://api.example.com/v1//', 'https://api.example.com/v1/predict'],
  ])('%s -> %s', (target, url) => {
    expect(predictUrl(target)).toBe(url);
  });

  it.each(['127.0.0.1:3000', 'ftp://host', ''])('rejects %j', (target) => {
    expect(() => predictUrl(target)).toThrow(
      `target must be an http(s) base URL like http://127.0.0.1:3000, got "${target}"`,
    );
  });
});

describe('statusMetricName', () => {
  it('names a k6 counter k6 accepts (letters, digits, underscores)', () => {
    expect(statusMetricName(0)).toBe('shiftgate_status_0');
    expect(statusMetricName(503)).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/);
  });
});
