import { Dashboard, GraphWidget, MathExpression, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { DASHBOARD_PANELS, perVersionSearch } from './dashboard-panels.ts';

export interface ServiceDashboardProps {
  readonly functionName: string;
  readonly aliasName: string;
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(1);
const WIDGET_WIDTH = 12;

/** One row per panel: the alias as a whole on the left, each version executed behind it on the right. */
export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(
    scope: Construct,
    id: string,
    { functionName, aliasName, dashboardName }: ServiceDashboardProps,
  ) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `## shiftgate predictor — alias \`${aliasName}\` (left) and per executed version (right)`,
        width: 2 * WIDGET_WIDTH,
        height: 1,
      }),
    );
    for (const panel of DASHBOARD_PANELS) {
      const perAlias = panel.statistics.map(
        (statistic) =>
          new Metric({
            namespace: 'AWS/Lambda',
            metricName: panel.metricName,
            dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${aliasName}` },
            statistic,
            period: PERIOD,
            label: `${aliasName} ${statistic}`,
          }),
      );
      const perVersion = panel.statistics.map(
        (statistic) =>
          new MathExpression({
            expression: perVersionSearch(
              functionName,
              aliasName,
              panel.metricName,
              statistic,
              PERIOD.toSeconds(),
            ),
            // Dynamic label: one line per executed version, named by its number.
            label: `v\${PROP('Dim.ExecutedVersion')} ${statistic}`,
            period: PERIOD,
          }),
      );
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${panel.title} — ${aliasName} (${panel.unit})`,
          left: perAlias,
          width: WIDGET_WIDTH,
        }),
        new GraphWidget({
          title: `${panel.title} — per version (${panel.unit})`,
          left: perVersion,
          width: WIDGET_WIDTH,
        }),
      );
    }
  }
}
