import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Function as LambdaFunction, Version } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { AliasKeeper } from './kept-alias.ts';
import { PRETRAFFIC_ALIAS_NAME } from './names.ts';
import { PretrafficAlias } from './pretraffic-alias.ts';
import { onlyResource, propertyKeys, TEST_ENV } from './testing/synth.ts';

const FUNCTION_ARN = `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:shiftgate-prod`;

describe('PretrafficAlias (cdk-nag runs over it in cdk-nag.test.ts, within the stack)', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'PretrafficTest', { env: TEST_ENV });
    const fn = LambdaFunction.fromFunctionAttributes(stack, 'Fn', {
      functionArn: FUNCTION_ARN,
      sameEnvironment: true,
    });
    const deployedVersion = Version.fromVersionArn(stack, 'V3', `${FUNCTION_ARN}:3`);
    const keeper = new AliasKeeper(stack, 'AliasKeeper', {
      function: fn,
      releaseTable: Table.fromTableName(stack, 'Record', 'shiftgate-release-record'),
      logRetentionDays: 7,
    });
    new PretrafficAlias(stack, 'Pretraffic', { keeper, function: fn, deployedVersion });
    template = Template.fromStack(stack);
  });

  it("creates the alias once on the deployed version, keeps one already there, and recreates a lost one at this deploy's", () => {
    const { resource } = onlyResource(template, 'Custom::KeptAlias');
    const keeper = onlyResource(template, 'AWS::Lambda::Function').id;
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [keeper, 'Arn'] },
      FunctionName: 'shiftgate-prod',
      FunctionArn: FUNCTION_ARN,
      AliasName: PRETRAFFIC_ALIAS_NAME,
      DeployedVersion: '3',
      Description: expect.stringContaining('no production traffic'),
      // No production traffic reaches it, so this deploy's version is a harmless place to recreate it.
      RecreateAt: 'deployed-version',
    });
  });

  it('serves it through an AWS_IAM Function URL only: no public grant, no provisioned concurrency, no weights', () => {
    const { resource } = onlyResource(template, 'AWS::Lambda::Url');
    expect(resource.Properties).toEqual({
      TargetFunctionArn: FUNCTION_ARN,
      Qualifier: PRETRAFFIC_ALIAS_NAME,
      AuthType: 'AWS_IAM',
    });
    expect(resource.DependsOn).toContain(onlyResource(template, 'Custom::KeptAlias').id);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    const keys = propertyKeys(template);
    expect(keys.has('ProvisionedConcurrencyConfig')).toBe(false);
    expect(keys.has('RoutingConfig')).toBe(false);
  });
});
