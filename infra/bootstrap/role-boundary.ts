/**
 * The permissions boundary every role of the app carries (ROLE_BOUNDARY_POLICY_NAME), pure: from the synthesized
 * templates to one policy that allows exactly the actions the roles' own policies grant, each on this app's
 * resources where IAM can name them (ROLE_SCOPES), and denies every IAM action. A role a template adds, or widens
 * to `*:*`, can then still do no more than the app's roles do today: no role writes, no boundary changes (its own
 * included), no policy edits. A role policy with an action no scope covers fails here, naming it.
 */
import {
  ALARMS,
  ANY,
  BOOTSTRAP_ROLES,
  LOG_GROUPS,
  QUALIFIED_FUNCTIONS,
  SCALABLE_TARGETS,
  STACKS,
  TABLES,
} from './app-arns.ts';
import { type Grant, type PolicyDocument, splitIntoPolicies, statementsOf } from './policy-document.ts';

export interface SynthesizedTemplate {
  readonly stackName: string;
  readonly template: { readonly Resources?: Readonly<Record<string, TemplateResource>> };
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

interface RoleStatement {
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
}

/**
 * Where the roles may act, by service (`logs`) or, taking precedence, by action (`cloudwatch:GetMetricData`).
 * `*` only where the action has no resource-level form (Service Authorization Reference).
 */
const ROLE_SCOPES: Readonly<Record<string, readonly string[]>> = {
  // Log streams are `log-group:<name>:log-stream:<name>`, inside the pattern.
  logs: LOG_GROUPS,
  lambda: QUALIFIED_FUNCTIONS,
  dynamodb: TABLES,
  sts: BOOTSTRAP_ROLES,
  cloudformation: STACKS,
  'application-autoscaling': SCALABLE_TARGETS,
  'application-autoscaling:DescribeScalableTargets': ANY,
  'application-autoscaling:DescribeScalingPolicies': ANY,
  'cloudwatch:DescribeAlarms': ALARMS,
  'cloudwatch:GetMetricData': ANY,
  'cloudwatch:PutMetricData': ANY,
};

/** No role of the app calls IAM; none may, whatever its own policies say. */
const NO_IAM: Grant = { effect: 'Deny', actions: ['iam:*'], resources: ANY };

/** The boundary for the roles in `templates`. Throws for a managed policy on a role or an action without a scope. */
export function roleBoundaryPolicy(templates: readonly SynthesizedTemplate[]): PolicyDocument {
  const actions = new Set<string>();
  for (const { stackName, template } of templates) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type === 'AWS::IAM::Role' && resource.Properties?.ManagedPolicyArns !== undefined) {
        throw new Error(
          `${stackName}/${id} attaches managed policies, whose actions the role boundary cannot read from the ` +
            'template (and the execution policy has no AttachRolePolicy): grant the actions inline instead',
        );
      }
      for (const statement of roleStatements(resource)) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of [statement.Action ?? []].flat()) actions.add(action);
      }
    }
  }
  const unscoped = [...actions].filter((action) => scopeOf(action) === undefined).sort();
  if (unscoped.length > 0) {
    throw new Error(
      `the app's roles are granted ${unscoped.join(', ')}, which infra/bootstrap/role-boundary.ts ROLE_SCOPES does ` +
        'not scope: add the service (or action) with the resources it may act on, then npm run bootstrap:policy ' +
        '(an IAM action needs a review first: the boundary denies all of IAM)',
    );
  }
  const grants = [...actions].map((action) => ({ actions: [action], resources: scopeOf(action) ?? ANY }));
  const policies = splitIntoPolicies(statementsOf([...grants, NO_IAM]), 'the role boundary');
  if (policies.length !== 1 || policies[0] === undefined) {
    throw new Error(
      `the role boundary needs ${policies.length} managed policies, but a role takes one boundary: narrow ROLE_SCOPES ` +
        'or the roles’ actions',
    );
  }
  return policies[0];
}

function scopeOf(action: string): readonly string[] | undefined {
  if (action.startsWith('iam:')) return undefined;
  return ROLE_SCOPES[action] ?? ROLE_SCOPES[action.split(':')[0] ?? ''];
}

/** The statements a resource grants to roles: an inline or managed policy resource, or a role's inline policies. */
function roleStatements(resource: TemplateResource): readonly RoleStatement[] {
  const props = resource.Properties ?? {};
  const statementsIn = (doc: unknown): readonly RoleStatement[] =>
    [(doc as { Statement?: RoleStatement | readonly RoleStatement[] } | undefined)?.Statement ?? []].flat();
  switch (resource.Type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return statementsIn(props.PolicyDocument);
    case 'AWS::IAM::Role':
      return ((props.Policies as readonly { PolicyDocument?: unknown }[] | undefined) ?? []).flatMap(
        (policy) => statementsIn(policy.PolicyDocument),
      );
    default:
      return [];
  }
}
