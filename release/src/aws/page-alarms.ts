/**
 * The page-severity SLO composite alarms in ALARM (the stack's PageAlarmNames output): during a release, any of
 * them firing means roll back. One DescribeAlarms per hundred names (its AlarmNames limit), every page, and no
 * state filter on the request: a name that comes back with no alarm is a misconfiguration (a renamed alarm, a
 * wrong stage) that would otherwise read as "nothing firing" for the whole release, so it is refused instead.
 */
import {
  type CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { callAws } from '../../../platform/src/aws/aws-call.ts';

/** DescribeAlarms takes at most this many AlarmNames. */
const NAMES_PER_REQUEST = 100;

/** The names among `names` whose composite alarm is in ALARM, in the order given; none asked, none firing. */
export async function firingPageAlarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
): Promise<string[]> {
  const alarms = new Map<string, CompositeAlarm>();
  for (let from = 0; from < names.length; from += NAMES_PER_REQUEST) {
    const batch = names.slice(from, from + NAMES_PER_REQUEST);
    let nextToken: string | undefined;
    do {
      const page = await callAws('DescribeAlarms', `page alarms ${batch.join(', ')}`, () =>
        cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmTypes: ['CompositeAlarm'],
            AlarmNames: batch,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        ),
      );
      for (const alarm of page.CompositeAlarms ?? []) {
        if (alarm.AlarmName !== undefined) alarms.set(alarm.AlarmName, alarm);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }
  const missing = names.filter((name) => !alarms.has(name));
  if (missing.length > 0) {
    throw new Error(
      `no composite alarm is named ${missing.join(', ')}: a release cannot watch a page alarm that does not ` +
        "exist; pass the names of the stack's PageAlarmNames output for this stage",
    );
  }
  return names.filter((name) => alarms.get(name)?.StateValue === 'ALARM');
}
