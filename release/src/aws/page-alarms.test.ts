import {
  CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  LimitExceededFault,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../platform/src/aws/aws-call.ts';
import { firingPageAlarms } from './page-alarms.ts';

const client = new CloudWatchClient({ region: 'eu-west-1' });
const cloudWatch = mockClient(client);
const NAMES = ['shiftgate-prod-availability-page', 'shiftgate-prod-latency-p95-page'];
const composite = (name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): CompositeAlarm => ({
  AlarmName: name,
  StateValue: state,
});

beforeEach(() => cloudWatch.reset());

describe('firingPageAlarms', () => {
  it('asks DescribeAlarms for exactly these composite alarms and returns those in ALARM, in the order given', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [composite(NAMES[1] as string, 'ALARM'), composite(NAMES[0] as string, 'ALARM')],
    });
    expect(await firingPageAlarms(client, NAMES)).toEqual(NAMES);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmTypes: ['CompositeAlarm'],
      AlarmNames: NAMES,
    });
  });

  it('counts OK and INSUFFICIENT_DATA as not firing, and reads every page', async () => {
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        CompositeAlarms: [composite(NAMES[0] as string, 'INSUFFICIENT_DATA')],
        NextToken: 'next',
      })
      .resolvesOnce({ CompositeAlarms: [composite(NAMES[1] as string, 'OK')] });
    expect(await firingPageAlarms(client, NAMES)).toEqual([]);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[1]?.args[0].input.NextToken).toBe('next');
  });

  it('asks in batches of 100 names, the most DescribeAlarms takes', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `page-${i}`);
    cloudWatch.on(DescribeAlarmsCommand).callsFake((input) => ({
      CompositeAlarms: (input.AlarmNames ?? []).map((name: string) =>
        composite(name, name === 'page-120' ? 'ALARM' : 'OK'),
      ),
    }));
    expect(await firingPageAlarms(client, many)).toEqual(['page-120']);
    expect(
      cloudWatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length),
    ).toEqual([100, 50]);
  });

  it('asks nothing when no alarm is named (DescribeAlarms would answer every alarm in the account)', async () => {
    expect(await firingPageAlarms(client, [])).toEqual([]);
    expect(cloudWatch.calls()).toHaveLength(0);
  });

  it('refuses a name with no composite alarm rather than read it as not firing', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite(NAMES[0] as string, 'OK')] });
    await expect(firingPageAlarms(client, NAMES)).rejects.toThrow(
      `no composite alarm is named ${NAMES[1]}: a release cannot watch a page alarm that does not exist`,
    );
  });

  it('surfaces a failed DescribeAlarms naming the call and the alarms', async () => {
    const refused = new LimitExceededFault({ message: 'Rate exceeded', $metadata: { attempts: 5 } });
    cloudWatch.on(DescribeAlarmsCommand).rejects(refused);
    const error = await firingPageAlarms(client, NAMES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(
      /^DescribeAlarms for page alarms shiftgate-prod-availability-page, .* failed after 5 attempt/,
    );
    expect((error as Error).cause).toBe(refused);
  });
});
