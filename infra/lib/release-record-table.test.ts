import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ReleaseRecordTable } from './release-record-table.ts';
import { onlyResource, TEST_ENV } from './testing/synth.ts';

const stackWith = (app: App, add: (stack: Stack) => void) => {
  const stack = new Stack(app, 'ReleaseRecordTest', { env: TEST_ENV });
  add(stack);
  return stack;
};

describe('ReleaseRecordTable', () => {
  it('keys items by pk and sk strings, on demand, with point-in-time recovery, retained, with no TTL', () => {
    const template = Template.fromStack(stackWith(new App(), (s) => new ReleaseRecordTable(s, 'Releases')));
    const { resource } = onlyResource(template, 'AWS::DynamoDB::Table');
    expect(resource.Properties).toEqual({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('passes cdk-nag AwsSolutions checks', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    stackWith(app, (s) => new ReleaseRecordTable(s, 'Releases'));
    expect(() => app.synth()).not.toThrow();
  }, 60_000);

  it('would fail cdk-nag on a table without point-in-time recovery (the check above can fail)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    stackWith(app, (s) => {
      new Table(s, 'Careless', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
      });
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  }, 60_000);
});
