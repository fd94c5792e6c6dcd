import { describe, expect, it } from 'vitest';
import {
  MANAGED_POLICY_MAX_CHARS,
  type PolicyStatement,
  policySize,
  splitIntoPolicies,
  statementsOf,
} from './policy-document.ts';

const statement = (n: number, resourceChars: number): PolicyStatement => ({
  Effect: 'Allow',
  Action: [`s3:Action${n}`],
  Resource: [`arn:aws:s3:::${'x'.repeat(resourceChars)}`],
});

describe('statementsOf', () => {
  it('merges grants by effect, resources and condition, sorted', () => {
    const statements = statementsOf([
      { actions: ['b:Two'], resources: ['r'] },
      { actions: ['b:One'], resources: ['r'] },
      { effect: 'Deny', actions: ['b:Three'], resources: ['r'] },
      { actions: ['b:Four'], resources: ['r'], condition: { StringEquals: { k: 'v' } } },
    ]);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['b:Four'], Resource: ['r'], Condition: { StringEquals: { k: 'v' } } },
      { Effect: 'Allow', Action: ['b:One', 'b:Two'], Resource: ['r'] },
      { Effect: 'Deny', Action: ['b:Three'], Resource: ['r'] },
    ]);
  });
});

describe('splitIntoPolicies', () => {
  it('keeps statements that fit in one policy together', () => {
    expect(splitIntoPolicies([statement(1, 10), statement(2, 10)], 'test')).toHaveLength(1);
  });

  it('starts another policy where the next statement would pass IAM’s size, each within it, in order', () => {
    const statements = [1, 2, 3].map((n) => statement(n, 2_500));
    const policies = splitIntoPolicies(statements, 'test');
    expect(policies.map((p) => p.Statement.map((s) => s.Action[0]))).toEqual([
      ['s3:Action1', 's3:Action2'],
      ['s3:Action3'],
    ]);
    for (const policy of policies) expect(policySize(policy)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });

  it('refuses a statement that fits no policy, naming its actions', () => {
    expect(() => splitIntoPolicies([statement(1, MANAGED_POLICY_MAX_CHARS)], 'the test policy')).toThrow(
      /the test policy: the statement for s3:Action1 is \d+ characters, above IAM's 6144/,
    );
  });
});
