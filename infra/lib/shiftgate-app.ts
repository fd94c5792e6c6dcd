import { type App, type Environment, PermissionsBoundary, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AppConfig } from '../config/app-config.ts';
import { GithubOidcStack } from './github-oidc-stack.ts';
import { ROLE_BOUNDARY_POLICY_NAME } from './names.ts';
import { PredictionServiceStack } from './prediction-service-stack.ts';

export interface ShiftgateStacks {
  readonly oidc: GithubOidcStack;
  readonly service: PredictionServiceStack;
}

export const STACK_NAMES = {
  oidc: 'ShiftgateGithubOidc',
  service: (stage: string) => `Shiftgate-${stage}`,
} as const;

/**
 * Adds the stacks to `app` and runs cdk-nag's AwsSolutions pack over them at synth; bin/app.ts and the tests share it.
 * Every AWS::IAM::Role in both stacks (CDK's own custom-resource provider roles included: the stack's aspect stamps
 * the CloudFormation resource type) carries ROLE_BOUNDARY_POLICY_NAME as its permissions boundary, the one condition
 * under which the bootstrap's execution policy lets CloudFormation create a role or write its policies.
 */
export function addShiftgateStacks(
  app: App,
  config: AppConfig,
  env: Environment,
  imageContextDir: string,
): ShiftgateStacks {
  const permissionsBoundary = PermissionsBoundary.fromName(ROLE_BOUNDARY_POLICY_NAME);
  const oidc = new GithubOidcStack(app, STACK_NAMES.oidc, {
    env,
    permissionsBoundary,
    description: 'shiftgate: GitHub OIDC provider',
  });
  const service = new PredictionServiceStack(app, STACK_NAMES.service(config.stage), {
    env,
    permissionsBoundary,
    description: `shiftgate predictor, stage ${config.stage}`,
    stage: config.stage,
    settings: config.settings,
    github: config.github,
    imageContextDir,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { oidc, service };
}
