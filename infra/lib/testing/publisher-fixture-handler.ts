/** Stands in for slo/src/publisher/handler.ts in the BurnRatePublisher tests: proves what gets bundled. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

export const FIXTURE_MARKER = 'burn-rate-publisher-fixture';

export async function handler(): Promise<string> {
  const client = new CloudWatchClient({});
  client.destroy();
  return FIXTURE_MARKER;
}
