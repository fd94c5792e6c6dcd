import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction, Version } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRETRAFFIC_ALIAS_NAME } from './names.ts';
import { PretrafficAlias } from './pretraffic-alias.ts';
import { cfnText, onlyResource, propertyKeys, TEST_ENV } from './testing/synth.ts';

const FUNCTION_ARN = `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:shiftgate-prod`;

describe('PretrafficAlias (cdk-nag runs over it in cdk-nag.test.ts, within the stack)', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'PretrafficTest', { env: TEST_ENV });
    const fn = LambdaFunction.fromFunctionAttributes(stack, 'Fn', {
      functionArn: FUNCTION_ARN,
      sameEnvironment: true,
    });
    const initialVersion = Version.fromVersionArn(stack, 'V3', `${FUNCTION_ARN}:3`);
    new PretrafficAlias(stack, 'Pretraffic', { function: fn, initialVersion });
    template = Template.fromStack(stack);
  });

  it('creates the alias once on the initial version, keeps one a release already made, and later only reads it', () => {
    const { resource } = onlyResource(template, 'Custom::AWS');
    const create = JSON.parse(cfnText(resource.Properties.Create));
    expect(create).toMatchObject({
      action: 'createAlias',
      parameters: { FunctionName: 'shiftgate-prod', Name: PRETRAFFIC_ALIAS_NAME, FunctionVersion: '3' },
      ignoreErrorCodesMatching: 'ResourceConflictException',
      physicalResourceId: { id: `${FUNCTION_ARN}:${PRETRAFFIC_ALIAS_NAME}` },
    });
    expect(JSON.parse(cfnText(resource.Properties.Update))).toMatchObject({
      action: 'getAlias',
      parameters: { Name: PRETRAFFIC_ALIAS_NAME },
    });
    expect(resource.Properties.Delete).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: ['lambda:CreateAlias', 'lambda:GetAlias'], Effect: 'Allow', Resource: FUNCTION_ARN },
        ],
      },
    });
  });

  it('serves it through an AWS_IAM Function URL only: no public grant, no provisioned concurrency, no weights', () => {
    const { resource } = onlyResource(template, 'AWS::Lambda::Url');
    expect(resource.Properties).toEqual({
      TargetFunctionArn: FUNCTION_ARN,
      Qualifier: PRETRAFFIC_ALIAS_NAME,
      AuthType: 'AWS_IAM',
    });
    expect(resource.DependsOn).toContain(onlyResource(template, 'Custom::AWS').id);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    const keys = propertyKeys(template);
    expect(keys.has('ProvisionedConcurrencyConfig')).toBe(false);
    expect(keys.has('RoutingConfig')).toBe(false);
  });
});
