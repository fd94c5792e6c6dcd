/**
 * A small IAM policy evaluator, pure, for the tests that prove what the committed policies refuse: Allow and
 * Deny, `*` and `?` wildcards in actions (case-insensitive) and resources, StringEquals and StringNotEquals
 * conditions with `${key}` policy variables from the request. An explicit Deny wins; otherwise a request needs an
 * Allow. Any other condition operator throws rather than being ignored. Not IAM: no NotAction, no other
 * operators, no resource policies, no SCPs.
 */
import type { PolicyDocument, PolicyStatement } from './policy-document.ts';

export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request, e.g. `iam:PermissionsBoundary`, `aws:PrincipalAccount`. */
  readonly context?: Readonly<Record<string, string>>;
}

/** Whether `policies` (all attached to one principal) allow `request`. */
export function isAllowed(policies: readonly PolicyDocument[], request: PolicyRequest): boolean {
  const matching = policies.flatMap((policy) => policy.Statement).filter((s) => applies(s, request));
  return !matching.some((s) => s.Effect === 'Deny') && matching.some((s) => s.Effect === 'Allow');
}

/** A role's effective rights: its policies allow it and its permissions boundary allows it. */
export function isAllowedWithin(
  boundary: PolicyDocument,
  policies: readonly PolicyDocument[],
  request: PolicyRequest,
): boolean {
  return isAllowed([boundary], request) && isAllowed(policies, request);
}

function applies(statement: PolicyStatement, request: PolicyRequest): boolean {
  return (
    statement.Action.some((pattern) => matches(pattern, request.action, 'i')) &&
    statement.Resource.some((pattern) => matches(pattern, request.resource, '')) &&
    Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, value]) => conditionHolds(operator, key, value, request)),
    )
  );
}

function conditionHolds(operator: string, key: string, value: string, request: PolicyRequest): boolean {
  const context = request.context ?? {};
  const actual = context[key];
  const expected = value.replaceAll(/\$\{([^}]+)\}/g, (_, name: string) => context[name] ?? `\${${name}}`);
  switch (operator) {
    case 'StringEquals':
      return actual === expected;
    // IAM: a key the request lacks makes StringNotEquals true.
    case 'StringNotEquals':
      return actual !== expected;
    default:
      throw new Error(`policy-evaluator.ts does not evaluate the ${operator} condition (on ${key})`);
  }
}

function matches(pattern: string, value: string, flags: string): boolean {
  const source = pattern
    .replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, flags).test(value);
}
