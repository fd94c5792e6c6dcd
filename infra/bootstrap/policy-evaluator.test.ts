import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from './policy-document.ts';
import { isAllowed, isAllowedWithin } from './policy-evaluator.ts';

const policy = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});

const roles = policy(
  { Effect: 'Allow', Action: ['iam:Get*'], Resource: ['arn:aws:iam::*:role/App-*'] },
  {
    Effect: 'Allow',
    Action: ['iam:CreateRole'],
    Resource: ['arn:aws:iam::*:role/App-*'],
    Condition: {
      StringEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::\${aws:PrincipalAccount}:policy/B` },
    },
  },
  { Effect: 'Deny', Action: ['iam:GetRolePolicy'], Resource: ['*'] },
);
const account = { 'aws:PrincipalAccount': '111122223333' };

describe('isAllowed', () => {
  it.each([
    [
      'an action and resource matching wildcards',
      'iam:GetRole',
      'arn:aws:iam::111122223333:role/App-x',
      {},
      true,
    ],
    ['actions case-insensitively', 'IAM:getrole', 'arn:aws:iam::111122223333:role/App-x', {}, true],
    ['a resource outside the pattern', 'iam:GetRole', 'arn:aws:iam::111122223333:role/Other', {}, false],
    ['an action no statement names', 'iam:DeleteRole', 'arn:aws:iam::111122223333:role/App-x', {}, false],
    [
      'an explicit Deny over an Allow',
      'iam:GetRolePolicy',
      'arn:aws:iam::111122223333:role/App-x',
      {},
      false,
    ],
    [
      'a condition with the variable resolved',
      'iam:CreateRole',
      'arn:aws:iam::111122223333:role/App-x',
      { ...account, 'iam:PermissionsBoundary': 'arn:aws:iam::111122223333:policy/B' },
      true,
    ],
    [
      'a condition on another account',
      'iam:CreateRole',
      'arn:aws:iam::111122223333:role/App-x',
      { ...account, 'iam:PermissionsBoundary': 'arn:aws:iam::999999999999:policy/B' },
      false,
    ],
    [
      'a condition key the request lacks',
      'iam:CreateRole',
      'arn:aws:iam::111122223333:role/App-x',
      account,
      false,
    ],
  ])('decides %s', (_, action, resource, context, expected) => {
    expect(isAllowed([roles], { action, resource, context })).toBe(expected);
  });

  it('takes StringNotEquals as true for a key the request lacks, as IAM does', () => {
    const denyUnlessB = policy(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] },
      {
        Effect: 'Deny',
        Action: ['s3:*'],
        Resource: ['*'],
        Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'b' } },
      },
    );
    expect(isAllowed([denyUnlessB], { action: 's3:GetObject', resource: 'x' })).toBe(false);
    expect(
      isAllowed([denyUnlessB], {
        action: 's3:GetObject',
        resource: 'x',
        context: { 'aws:PrincipalTag/team': 'b' },
      }),
    ).toBe(true);
  });

  it('refuses a condition operator it does not evaluate instead of ignoring it', () => {
    const withIp = policy({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: ['*'],
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    });
    expect(() => isAllowed([withIp], { action: 's3:GetObject', resource: 'x' })).toThrow(
      /IpAddress condition/,
    );
  });
});

describe('isAllowedWithin', () => {
  it('needs both the role’s policies and its boundary', () => {
    const everything = policy({ Effect: 'Allow', Action: ['*'], Resource: ['*'] });
    const onlyS3 = policy({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] });
    const request = (action: string) => ({ action, resource: 'arn:aws:s3:::b/k' });
    expect(isAllowedWithin(onlyS3, [everything], request('s3:GetObject'))).toBe(true);
    expect(isAllowedWithin(onlyS3, [everything], request('s3:PutObject'))).toBe(false);
    expect(isAllowedWithin(everything, [onlyS3], request('s3:PutObject'))).toBe(false);
  });
});
