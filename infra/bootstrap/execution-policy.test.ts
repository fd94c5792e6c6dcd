import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_BOUNDARY_POLICY_NAME } from '../lib/names.ts';
import { SYNTH_TIMEOUT_MS } from '../lib/testing/synth.ts';
import { REPO_ROOT } from './bootstrap-policy.ts';
import { executionPolicies } from './execution-policy.ts';
import {
  MANAGED_POLICY_MAX_CHARS,
  type PolicyDocument,
  policyFileText,
  policySize,
} from './policy-document.ts';
import { isAllowed, isAllowedWithin } from './policy-evaluator.ts';
import { EXECUTION_FILE_PATTERN, executionPolicyFiles, ROLE_BOUNDARY_FILE } from './policy-files.ts';
import { RESOURCE_PERMISSIONS } from './resource-permissions.ts';
import { roleBoundaryPolicy, type SynthesizedTemplate } from './role-boundary.ts';
import { resourceTypes, synthesizedTemplates } from './synthesized-templates.ts';

const ACCOUNT = '123456789012';
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${ROLE_BOUNDARY_POLICY_NAME}`;
const OTHER_BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/AnythingGoes`;
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/Shiftgate-prod-Backdoor-ABC123`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/SomeoneElsesRole`;

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const committedExecutionPaths = () =>
  readdirSync(join(REPO_ROOT, 'infra/bootstrap'))
    .filter((name) => EXECUTION_FILE_PATTERN.test(name))
    .sort()
    .map((name) => `infra/bootstrap/${name}`);

/** A request CloudFormation makes as the execution role, in the account, with the role's boundary if any. */
const cfnRequest = (action: string, resource: string, boundary?: string) => ({
  action,
  resource,
  context: {
    'aws:PrincipalAccount': ACCOUNT,
    ...(boundary === undefined ? {} : { 'iam:PermissionsBoundary': boundary }),
  },
});

describe('the bootstrap policies (infra/bootstrap/*.json)', () => {
  let templates: SynthesizedTemplate[];
  let execution: PolicyDocument[];
  let boundary: PolicyDocument;
  beforeAll(() => {
    templates = synthesizedTemplates();
    execution = committedExecutionPaths().map((path) => JSON.parse(read(path)) as PolicyDocument);
    boundary = JSON.parse(read(ROLE_BOUNDARY_FILE.path)) as PolicyDocument;
  }, SYNTH_TIMEOUT_MS);

  it('are what npm run bootstrap:policy writes for the templates as they are now, file by file', () => {
    const expected = executionPolicies(resourceTypes(templates));
    const files = executionPolicyFiles(expected.length);
    expect(committedExecutionPaths(), 'run npm run bootstrap:policy and commit its files').toEqual(
      files.map((file) => file.path),
    );
    for (const [index, file] of files.entries()) {
      expect(read(file.path), `${file.path}: run npm run bootstrap:policy`).toBe(
        policyFileText(expected[index] as PolicyDocument),
      );
    }
    expect(read(ROLE_BOUNDARY_FILE.path), 'run npm run bootstrap:policy').toBe(
      policyFileText(roleBoundaryPolicy(templates)),
    );
  });

  it("each fit IAM's managed-policy size", () => {
    for (const policy of [...execution, boundary]) {
      expect(policySize(policy)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    }
  });

  it('allow CloudFormation every grant of every resource type of every stage and of the OIDC stack', () => {
    const types = resourceTypes(templates);
    expect(types).toEqual(expect.arrayContaining(['AWS::IAM::OIDCProvider', 'AWS::Lambda::Function']));
    const unmapped = types.filter((type) => !Object.hasOwn(RESOURCE_PERMISSIONS, type));
    expect(unmapped, 'types with no entry in resource-permissions.ts').toEqual([]);
    const missing = types.flatMap((type) =>
      (RESOURCE_PERMISSIONS[type] ?? []).flatMap((grant) =>
        grant.actions.flatMap((action) =>
          grant.resources
            .filter(
              (resource) =>
                !execution.some((policy) =>
                  policy.Statement.some(
                    (s) =>
                      s.Effect === (grant.effect ?? 'Allow') &&
                      s.Action.includes(action) &&
                      s.Resource.includes(resource) &&
                      JSON.stringify(s.Condition) === JSON.stringify(grant.condition),
                  ),
                ),
            )
            .map((resource) => `${type}: ${action} on ${resource}`),
        ),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('allow no service-wide wildcard action, and `*` resources only where IAM has no resource-level form', () => {
    const allows = execution.flatMap((policy) => policy.Statement).filter((s) => s.Effect === 'Allow');
    expect(allows.flatMap((s) => s.Action).filter((action) => action.includes('*'))).toEqual([]);
    expect(
      allows
        .filter((s) => s.Resource.includes('*'))
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual([
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:DescribeScheduledActions',
      'kms:CreateKey',
    ]);
  });

  it('stamp every AWS::IAM::Role of every template with the boundary', () => {
    const roles = templates.flatMap(({ stackName, template }) =>
      Object.entries(template.Resources ?? {})
        .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
        .map(([id, resource]) => ({
          role: `${stackName}/${id}`,
          boundary: resource.Properties?.PermissionsBoundary,
        })),
    );
    expect(roles.length).toBeGreaterThan(0);
    const boundaryArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          `:policy/${ROLE_BOUNDARY_POLICY_NAME}`,
        ],
      ],
    };
    expect(roles.filter((r) => JSON.stringify(r.boundary) !== JSON.stringify(boundaryArn))).toEqual([]);
  });

  // The reviewer's attack: a template (stack Shiftgate-x) makes a role with a `*:*` inline policy and a Lambda
  // function using it, invoked as a custom resource.
  it.each([
    ['creates a role without a boundary', cfnRequest('iam:CreateRole', APP_ROLE)],
    ['creates a role with another boundary', cfnRequest('iam:CreateRole', APP_ROLE, OTHER_BOUNDARY_ARN)],
    ['creates a role outside the app’s names', cfnRequest('iam:CreateRole', OTHER_ROLE, BOUNDARY_ARN)],
    [
      'puts an inline policy on a Shiftgate-* role without the boundary',
      cfnRequest('iam:PutRolePolicy', APP_ROLE),
    ],
    ['puts an inline policy on another role', cfnRequest('iam:PutRolePolicy', OTHER_ROLE, BOUNDARY_ARN)],
    [
      'attaches a managed policy, even to a bounded role',
      cfnRequest('iam:AttachRolePolicy', APP_ROLE, BOUNDARY_ARN),
    ],
    ['removes a role’s boundary', cfnRequest('iam:DeleteRolePermissionsBoundary', APP_ROLE, BOUNDARY_ARN)],
    ['sets another boundary', cfnRequest('iam:PutRolePermissionsBoundary', APP_ROLE, OTHER_BOUNDARY_ARN)],
    ['edits the boundary policy', cfnRequest('iam:CreatePolicyVersion', BOUNDARY_ARN)],
  ])('the execution policy refuses CloudFormation when it %s', (_, request) => {
    expect(isAllowed(execution, request)).toBe(false);
  });

  it.each([
    ['creates a Shiftgate-* role with the boundary', cfnRequest('iam:CreateRole', APP_ROLE, BOUNDARY_ARN)],
    ['puts an inline policy on a bounded role', cfnRequest('iam:PutRolePolicy', APP_ROLE, BOUNDARY_ARN)],
    [
      'gives an older role the boundary',
      cfnRequest('iam:PutRolePermissionsBoundary', APP_ROLE, BOUNDARY_ARN),
    ],
  ])('the execution policy lets CloudFormation do what the stacks need: it %s', (_, request) => {
    expect(isAllowed(execution, request)).toBe(true);
  });

  it('caps a bounded role whose own policy is *:* at what the app’s roles do', () => {
    const adminInline: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }],
    };
    const can = (action: string, resource: string) =>
      isAllowedWithin(boundary, [adminInline], {
        action,
        resource,
        context: { 'aws:PrincipalAccount': ACCOUNT },
      });
    expect(can('iam:CreateRole', OTHER_ROLE)).toBe(false);
    expect(can('iam:PutRolePolicy', APP_ROLE)).toBe(false);
    expect(can('iam:AttachRolePolicy', APP_ROLE)).toBe(false);
    expect(can('iam:DeleteRolePermissionsBoundary', APP_ROLE)).toBe(false);
    expect(can('iam:CreatePolicyVersion', BOUNDARY_ARN)).toBe(false);
    expect(can('iam:PassRole', APP_ROLE)).toBe(false);
    expect(can('s3:GetObject', 'arn:aws:s3:::any-bucket/secret')).toBe(false);
    expect(
      can('lambda:UpdateFunctionCode', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:Shiftgate-prod-X`),
    ).toBe(false);
    expect(can('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/SomeoneElses`)).toBe(false);
    expect(
      can('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/Shiftgate-prod-Record-X`),
    ).toBe(true);
  });
});

describe('executionPolicies', () => {
  it('refuses a resource type it has no mapping for, naming it and the fix', () => {
    expect(() => executionPolicies(['AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::SQS::Queue'])).toThrow(
      /create AWS::S3::Bucket, AWS::SQS::Queue, which infra\/bootstrap\/resource-permissions\.ts does not map/,
    );
  });

  it('gives one statement per resource set, whatever the order of the types', () => {
    const one = executionPolicies(['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy']);
    expect(executionPolicies(['AWS::SNS::TopicPolicy', 'AWS::SNS::Topic'])).toEqual(one);
    const topicStatements = one
      .flatMap((policy) => policy.Statement)
      .filter((s) => s.Action.includes('sns:SetTopicAttributes'));
    expect(topicStatements).toHaveLength(1);
    expect(topicStatements[0]?.Action).toContain('sns:CreateTopic');
  });
});
