import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config/app-config.ts';
import type { StageSettings } from '../config/stages.ts';
import { AlertTopics } from './alert-topics.ts';
import { GithubDeployRole } from './github-deploy-role.ts';
import { GithubWatchRole } from './github-watch-role.ts';
import { AliasKeeper } from './kept-alias.ts';
import { LiveAlias } from './live-alias.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { alarmNamePrefix, OUTPUT_KEYS } from './names.ts';
import { PredictionFunction } from './prediction-function.ts';
import { PretrafficAlias } from './pretraffic-alias.ts';
import { ReleaseRecordTable } from './release-record-table.ts';
import { ServiceDashboard } from './service-dashboard.ts';
import { SloMonitoring } from './slo-monitoring.ts';

export interface PredictionServiceStackProps extends StackProps {
  readonly stage: string;
  readonly settings: StageSettings;
  readonly github: AppConfig['github'];
  readonly imageContextDir: string;
}

/** One stage of the predictor: wiring only; each part is its own construct. */
export class PredictionServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: PredictionServiceStackProps) {
    super(scope, id, props);
    const { settings, github, imageContextDir } = props;

    const predictor = new PredictionFunction(this, 'Predictor', {
      stage: props.stage,
      settings,
      imageContextDir,
    });
    const fn = predictor.function;
    const releaseRecord = new ReleaseRecordTable(this, 'ReleaseRecord');
    const keeper = new AliasKeeper(this, 'AliasKeeper', {
      function: fn,
      releaseTable: releaseRecord.table,
      logRetentionDays: settings.logRetentionDays,
    });
    const live = new LiveAlias(this, 'Live', {
      keeper,
      function: fn,
      deployedVersion: predictor.version,
      releaseTable: releaseRecord.table,
      settings,
    });
    const pretraffic = new PretrafficAlias(this, 'Pretraffic', {
      keeper,
      function: fn,
      deployedVersion: predictor.version,
    });
    const alarmPrefix = alarmNamePrefix(props.stage);
    const dashboard = new ServiceDashboard(this, 'Dashboard', {
      functionName: fn.functionName,
      aliasName: live.aliasName,
      dashboardName: alarmPrefix,
    });
    const alerts = new AlertTopics(this, 'Alerts', {
      subscriptions: settings.alerting.subscriptions,
      alarmNamePrefix: `${alarmPrefix}-`,
      displayNamePrefix: `shiftgate ${props.stage}`,
    });
    const monitoring = new SloMonitoring(this, 'Slo', {
      target: { functionName: fn.functionName, aliasName: live.aliasName, stage: props.stage },
      topics: alerts.topics,
      alarmNamePrefix: alarmPrefix,
      alerting: settings.alerting,
      logRetentionDays: settings.logRetentionDays,
    });
    const deployRole = new GithubDeployRole(this, 'GithubDeploy', {
      ...github,
      function: fn,
      releaseTable: releaseRecord.table,
      releaseAlarmNames: monitoring.sloAlarms.pageAlarmNames,
    });

    const watchRole = new GithubWatchRole(this, 'GithubWatch', {
      repository: github.repository,
      branch: github.branch,
      stage: props.stage,
    });

    acknowledgeNagFindings({
      stack: this,
      predictor,
      deployRole,
      watchRole,
      keeper,
      publisher: monitoring.publisher,
    });

    const outputs = {
      [OUTPUT_KEYS.functionName]: fn.functionName,
      [OUTPUT_KEYS.publishedVersion]: predictor.version.version,
      [OUTPUT_KEYS.aliasName]: live.aliasName,
      [OUTPUT_KEYS.functionUrl]: live.url.attrFunctionUrl,
      [OUTPUT_KEYS.deployRoleArn]: deployRole.role.roleArn,
      [OUTPUT_KEYS.watchRoleArn]: watchRole.role.roleArn,
      [OUTPUT_KEYS.dashboardName]: dashboard.dashboard.dashboardName,
      [OUTPUT_KEYS.pageAlarmNames]: monitoring.sloAlarms.pageAlarmNames.join(','),
      [OUTPUT_KEYS.pageTopicArn]: alerts.topics.page.topicArn,
      [OUTPUT_KEYS.ticketTopicArn]: alerts.topics.ticket.topicArn,
      [OUTPUT_KEYS.releaseTableName]: releaseRecord.table.tableName,
      [OUTPUT_KEYS.pretrafficUrl]: pretraffic.url.attrFunctionUrl,
    };
    for (const [key, value] of Object.entries(outputs)) new CfnOutput(this, key, { value });
  }
}
