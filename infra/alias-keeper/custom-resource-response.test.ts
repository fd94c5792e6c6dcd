import { describe, expect, it } from 'vitest';
import { type CustomResourceResponse, fitReason, MAX_RESPONSE_BYTES } from './custom-resource-response.ts';

const failed = (reason: string): CustomResourceResponse => ({
  Status: 'FAILED',
  Reason: reason,
  PhysicalResourceId:
    'arn:aws:lambda:ap-northeast-1:123456789012:function:Shiftgate-prod-Predictor-AbCd:live',
  StackId:
    'arn:aws:cloudformation:ap-northeast-1:123456789012:stack/Shiftgate-prod/5b6e1f20-0d2b-11f1-9c1a-0a1b2c3d4e5f',
  RequestId: '7f0a8e2c-1b3d-4c5e-8f9a-0b1c2d3e4f5a',
  LogicalResourceId: 'LiveKept1C2D3E4F',
});
const bodyBytes = (response: CustomResourceResponse) => Buffer.byteLength(JSON.stringify(response), 'utf8');

describe('fitReason', () => {
  it('leaves a response that fits as it is', () => {
    const response = failed('alias live of Shiftgate-prod-Predictor-AbCd is missing');
    expect(fitReason(response)).toBe(response);
  });

  it.each([
    { name: 'three-byte characters', reason: `live → version 7: ${'→'.repeat(3_000)}` },
    { name: 'four-byte characters (surrogate pairs)', reason: `live ${'🚀'.repeat(2_000)}` },
    { name: 'characters JSON escapes', reason: `"quoted"\n${'\\"\n'.repeat(2_000)}` },
    { name: 'mixed', reason: `a${'é→🚀"'.repeat(1_500)}` },
  ])('cuts a long reason of $name to fit the body in 4,096 bytes, whole characters only', ({ reason }) => {
    const fitted = fitReason(failed(reason));
    expect(bodyBytes(failed(reason))).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(bodyBytes(fitted)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    // Close to the limit: at most one character (4 bytes) and the mark short of it.
    expect(bodyBytes(fitted)).toBeGreaterThan(MAX_RESPONSE_BYTES - 8);
    const kept = fitted.Reason?.slice(0, -1) ?? '';
    expect(fitted.Reason?.endsWith('…')).toBe(true);
    expect(reason.startsWith(kept)).toBe(true);
    // A cut inside a surrogate pair would not survive a round trip through UTF-8.
    expect(Buffer.from(kept, 'utf8').toString('utf8')).toBe(kept);
    expect({ ...fitted, Reason: undefined }).toEqual({ ...failed(reason), Reason: undefined });
  });
});
