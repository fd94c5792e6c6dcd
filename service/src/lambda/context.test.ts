import { describe, expect, it } from 'vitest';
import { aliasOf } from './context.ts';

describe('aliasOf', () => {
  it.each([
    { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:predictor:live', alias: 'live' },
    { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:predictor:7', alias: '7' },
    { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:predictor', alias: '$LATEST' },
  ])('reads $alias from $arn', ({ arn, alias }) => {
    expect(aliasOf({ invokedFunctionArn: arn })).toBe(alias);
  });
});
