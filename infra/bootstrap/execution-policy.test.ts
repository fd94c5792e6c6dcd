import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS } from '../lib/testing/synth.ts';
import { POLICY_FILE } from './bootstrap-policy.ts';
import {
  executionPolicy,
  MANAGED_POLICY_MAX_CHARS,
  type PolicyDocument,
  policyFileText,
} from './execution-policy.ts';
import { RESOURCE_PERMISSIONS } from './resource-permissions.ts';
import { templateResourceTypes } from './template-resource-types.ts';

/** Whether `policy` allows `action` on exactly the resource pattern `resource` (as the table writes it). */
function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  return policy.Statement.some((s) => s.Action.includes(action) && s.Resource.includes(resource));
}

describe('the CloudFormation execution policy (infra/bootstrap/cfn-execution-policy.json)', () => {
  let types: string[];
  let committed: string;
  beforeAll(() => {
    types = templateResourceTypes();
    committed = readFileSync(POLICY_FILE, 'utf8');
  }, SYNTH_TIMEOUT_MS);

  it('covers every resource type of every stage and of the OIDC stack, each with all its grants', () => {
    expect(types).toEqual(expect.arrayContaining(['AWS::IAM::OIDCProvider', 'AWS::Lambda::Function']));
    const unmapped = types.filter((type) => !Object.hasOwn(RESOURCE_PERMISSIONS, type));
    expect(unmapped, 'types with no entry in resource-permissions.ts').toEqual([]);
    const policy = JSON.parse(committed) as PolicyDocument;
    const missing = types.flatMap((type) =>
      (RESOURCE_PERMISSIONS[type] ?? []).flatMap((grant) =>
        grant.actions.flatMap((action) =>
          grant.resources
            .filter((resource) => !allows(policy, action, resource))
            .map((r) => `${type}: ${action} on ${r}`),
        ),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('is what npm run bootstrap:policy writes for the templates as they are now', () => {
    expect(committed, 'run npm run bootstrap:policy and commit the file').toBe(
      policyFileText(executionPolicy(types)),
    );
  });

  it("fits IAM's managed-policy size and grants no service-wide wildcard action", () => {
    const policy = JSON.parse(committed) as PolicyDocument;
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    // Resource '*' only for what has no resource-level form.
    expect(
      policy.Statement.filter((s) => s.Resource.includes('*'))
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual([
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:DescribeScheduledActions',
      'kms:CreateKey',
    ]);
  });
});

describe('executionPolicy', () => {
  it('refuses a resource type it has no mapping for, naming it and the fix', () => {
    expect(() => executionPolicy(['AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::SQS::Queue'])).toThrow(
      /create AWS::S3::Bucket, AWS::SQS::Queue, which infra\/bootstrap\/resource-permissions\.ts does not map/,
    );
  });

  it('gives one statement per resource set, whatever the order of the types', () => {
    const one = executionPolicy(['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy']);
    expect(executionPolicy(['AWS::SNS::TopicPolicy', 'AWS::SNS::Topic'])).toEqual(one);
    const topicStatements = one.Statement.filter((s) => s.Action.includes('sns:SetTopicAttributes'));
    expect(topicStatements).toHaveLength(1);
    expect(topicStatements[0]?.Action).toContain('sns:CreateTopic');
  });
});
