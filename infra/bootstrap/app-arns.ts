/**
 * This app's resources as IAM ARN patterns, shared by the execution policy (what CloudFormation may change) and the
 * roles' permissions boundary (what the app's roles may ever do).
 *
 * Names: CloudFormation names what the template leaves unnamed `<stack name>-<logical id>-<suffix>`, so the
 * stage stacks' functions, roles, tables, topics, rules and log groups all start with `Shiftgate-`; alarms and
 * the dashboard are named `shiftgate-<stage>-…` (names.ts). KMS keys have random ids and no name in their ARN:
 * `key/*` of the account is as tight as IAM allows.
 */
import { alarmNamePrefix, ROLE_BOUNDARY_POLICY_NAME } from '../lib/names.ts';
import { STACK_NAMES } from '../lib/shiftgate-app.ts';

/** `Shiftgate-`: every stage stack's name starts with it, so does every name CloudFormation generates there. */
export const STACK_PREFIX = STACK_NAMES.service('');
/** `shiftgate-`: the stage's own alarm and dashboard names. */
export const NAME_PREFIX = alarmNamePrefix('');

export const arn = (service: string, resource: string, region = '*', account = '*') =>
  `arn:aws:${service}:${region}:${account}:${resource}`;
export const iamArn = (resource: string) => `arn:aws:iam::*:${resource}`;

export const FUNCTIONS = [arn('lambda', `function:${STACK_PREFIX}*`)];
/** Versions and aliases: the function's qualified ARNs. */
export const QUALIFIED_ONLY = [arn('lambda', `function:${STACK_PREFIX}*:*`)];
export const QUALIFIED_FUNCTIONS = [...FUNCTIONS, ...QUALIFIED_ONLY];
export const ROLES = [iamArn(`role/${STACK_PREFIX}*`)];
export const ALARMS = [`alarm:${NAME_PREFIX}*`, `alarm:${STACK_PREFIX}*`].map((name) =>
  arn('cloudwatch', name),
);
export const TOPICS = [arn('sns', `${STACK_PREFIX}*`)];
export const TABLES = [arn('dynamodb', `table/${STACK_PREFIX}*`)];
export const LOG_GROUPS = [arn('logs', `log-group:${STACK_PREFIX}*`)];
export const SCALABLE_TARGETS = [arn('application-autoscaling', 'scalable-target/*')];
export const STACKS = [arn('cloudformation', `stack/${STACK_PREFIX}*/*`)];
/** The CDK bootstrap's roles (`cdk-<qualifier>-…`), which the deploy role assumes. */
export const BOOTSTRAP_ROLES = [iamArn('role/cdk-*')];
export const ANY = ['*'];

/**
 * The boundary's ARN in this account, as IAM compares it: `${aws:PrincipalAccount}` is a policy variable IAM
 * replaces with the caller's account (IAM User Guide, "IAM policy elements: Variables and tags": variables work in
 * string comparisons of the Condition element), so the committed policies name no account and still compare exactly.
 */
export const ROLE_BOUNDARY_ARN = `arn:aws:iam::\${aws:PrincipalAccount}:policy/${ROLE_BOUNDARY_POLICY_NAME}`;
