import { RemovalPolicy } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  DockerImageCode,
  DockerImageFunction,
  LoggingFormat,
  SystemLogLevel,
  type Version,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { StageSettings } from '../config/stages.ts';
import { ARCHITECTURE_NAMES } from '../image/architecture.ts';
import { predictionFunctionEnvironment } from './function-environment.ts';
import { retentionOf } from './log-retention.ts';

export interface PredictionFunctionProps {
  /** The stage name, given to the service as its metrics' `Stage` dimension so two stages never mix. */
  readonly stage: string;
  readonly settings: StageSettings;
  /** The Docker build context: the repository root, narrowed by .dockerignore. */
  readonly imageContextDir: string;
}

const LAMBDA_ARCHITECTURE = { x86_64: Architecture.X86_64, arm64: Architecture.ARM_64 } as const;

/**
 * The predictor as a container-image function, with its own log group and a least-privilege execution role,
 * and the version that this deploy publishes. No VPC: the function calls nothing, so it needs no NAT gateway.
 */
export class PredictionFunction extends Construct {
  readonly function: DockerImageFunction;
  /** Published by every deploy whose code or configuration changed; `live` is not moved to it here. */
  readonly version: Version;

  constructor(scope: Construct, id: string, { stage, settings, imageContextDir }: PredictionFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'Logs', {
      retention: retentionOf(settings.logRetentionDays),
      removalPolicy: RemovalPolicy[settings.logGroupOnStackDeletion],
    });
    // Only what the runtime needs to write logs: no managed policy, no logs:CreateLogGroup (the group exists).
    const role = new Role(this, 'ExecutionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the shiftgate predictor: writes its own log group, nothing else.',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    this.function = new DockerImageFunction(this, 'Function', {
      description: 'shiftgate: POST /predict, monthly electricity usage from one bill',
      code: DockerImageCode.fromImageAsset(imageContextDir, {
        file: 'Dockerfile',
        platform: Platform.custom(ARCHITECTURE_NAMES[settings.architecture].dockerPlatform),
      }),
      architecture: LAMBDA_ARCHITECTURE[settings.architecture],
      memorySize: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
      role,
      logGroup,
      environment: predictionFunctionEnvironment(stage),
      // JSON so Powertools' structured lines and the platform's REPORT lines are both queryable fields.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel[settings.systemLogLevel],
      // Old versions must outlive the template that published them: `live` may still point at one (before or
      // during a release), and Lambda refuses to delete a version an alias routes to.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    this.version = this.function.currentVersion;
  }
}
