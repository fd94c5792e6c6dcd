/**
 * The CloudFormation execution policy for `cdk bootstrap --cloudformation-execution-policies`, pure: from the
 * resource types the synthesized templates hold to one IAM policy document that allows what CloudFormation needs
 * for them (resource-permissions.ts) and nothing else, in place of the bootstrap's default AdministratorAccess.
 */
import { type Grant, RESOURCE_PERMISSIONS, TEMPLATE_PERMISSIONS } from './resource-permissions.ts';

export interface PolicyStatement {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Grant['condition'];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** IAM's limit for a customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6_144;

/**
 * The policy for `resourceTypes`: grants with the same resources and condition become one statement, actions and
 * statements sorted, so the same types always give the same file. Throws naming every type with no entry in
 * RESOURCE_PERMISSIONS, and a policy IAM would refuse for its size.
 */
export function executionPolicy(resourceTypes: Iterable<string>): PolicyDocument {
  const types = [...new Set(resourceTypes)].sort();
  const unmapped = types.filter((type) => !Object.hasOwn(RESOURCE_PERMISSIONS, type));
  if (unmapped.length > 0) {
    throw new Error(
      `the templates create ${unmapped.join(', ')}, which infra/bootstrap/resource-permissions.ts does not map to ` +
        'IAM actions: add each with the actions its CloudFormation handlers need (aws cloudformation describe-type ' +
        '--type RESOURCE --type-name <type>, handlers.*.permissions), then npm run bootstrap:policy',
    );
  }
  const grants = [...TEMPLATE_PERMISSIONS, ...types.flatMap((type) => RESOURCE_PERMISSIONS[type] ?? [])];
  const merged = new Map<string, { actions: Set<string>; grant: Grant }>();
  for (const grant of grants) {
    const key = JSON.stringify([[...grant.resources].sort(), grant.condition ?? null]);
    const entry = merged.get(key) ?? { actions: new Set<string>(), grant };
    for (const action of grant.actions) entry.actions.add(action);
    merged.set(key, entry);
  }
  const statements = [...merged.values()]
    .map(({ actions, grant }) => ({
      Effect: 'Allow' as const,
      Action: [...actions].sort(),
      Resource: [...grant.resources].sort(),
      ...(grant.condition === undefined ? {} : { Condition: grant.condition }),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const policy: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(policy).length;
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new Error(
      `the execution policy is ${size} characters, above IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy: ` +
        'split it into two policies (both ARNs go to --cloudformation-execution-policies) or merge grants',
    );
  }
  return policy;
}

/** Biome's line width (biome.json): the committed file is laid out as `npm run format` would leave it. */
const LINE_WIDTH = 110;

/**
 * The file `npm run bootstrap:policy` writes: objects one key per line, an array on one line where it fits the
 * line width and one item per line where not (Biome's JSON layout, so `npm run lint` passes on it), final newline.
 */
export function policyFileText(policy: PolicyDocument): string {
  return `${layout(policy, '', '')}\n`;
}

function layout(value: unknown, indent: string, prefix: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    const items = value.map((item) => `${inner}${layout(item, inner, inner)}`);
    // +1 for the comma that may follow.
    const fits =
      value.every((item) => typeof item !== 'object') && prefix.length + flat.length + 1 <= LINE_WIDTH;
    return fits ? flat : `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, child]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${layout(child, inner, head)}`;
    });
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
