import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/**
 * The durable release record (docs/release.md section 3; platform/src/aws/dynamodb-release-record.ts writes it):
 * per function one lock item and an append-only journal, keyed pk (the function name) and sk (`lock` or
 * `journal#<sequence>`).
 * - on demand: a release writes tens of items, then nothing for days;
 * - point-in-time recovery and RemovalPolicy.RETAIN: the journal is the audit trail of every release and the
 *   only way to resume one, so neither a mistaken write nor deleting the stack may lose it;
 * - no TTL: nothing may expire, a lock least of all (a dead runner's lock waits for `resume` or `abort`).
 */
export class ReleaseRecordTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
