import { describe, expect, it } from 'vitest';
import { roleBoundaryPolicy, type SynthesizedTemplate } from './role-boundary.ts';

const stack = (Resources: SynthesizedTemplate['template']['Resources']): SynthesizedTemplate => ({
  stackName: 'Shiftgate-test',
  template: { Resources },
});
const policyResource = (Action: string | string[], Effect = 'Allow') => ({
  Type: 'AWS::IAM::Policy',
  Properties: {
    PolicyDocument: { Statement: [{ Effect, Action, Resource: { 'Fn::GetAtt': ['X', 'Arn'] } }] },
  },
});

describe('roleBoundaryPolicy', () => {
  it('allows the actions the roles are granted, each on its scope, and denies all of IAM', () => {
    const boundary = roleBoundaryPolicy([
      stack({
        Policy: policyResource(['dynamodb:GetItem', 'logs:PutLogEvents']),
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              { PolicyDocument: { Statement: { Effect: 'Allow', Action: 'cloudwatch:GetMetricData' } } },
            ],
          },
        },
        Denied: policyResource('s3:GetObject', 'Deny'),
      }),
    ]);
    expect(boundary.Statement).toEqual([
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['arn:aws:dynamodb:*:*:table/Shiftgate-*'] },
      {
        Effect: 'Allow',
        Action: ['logs:PutLogEvents'],
        Resource: ['arn:aws:logs:*:*:log-group:Shiftgate-*'],
      },
      { Effect: 'Deny', Action: ['iam:*'], Resource: ['*'] },
    ]);
  });

  it('refuses an action it has no scope for, IAM ones included, naming them', () => {
    expect(() =>
      roleBoundaryPolicy([stack({ Policy: policyResource(['iam:PassRole', 's3:GetObject']) })]),
    ).toThrow(
      /granted iam:PassRole, s3:GetObject, which infra\/bootstrap\/role-boundary\.ts ROLE_SCOPES does not scope/,
    );
  });

  it('refuses a role with managed policies, whose actions the template does not hold', () => {
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
    };
    expect(() => roleBoundaryPolicy([stack({ Role: role })])).toThrow(
      /Shiftgate-test\/Role attaches managed policies/,
    );
  });
});
