/**
 * IAM policy documents as plain data, pure: grants merged into sorted statements, a statement list split into
 * documents within IAM's managed-policy size, and the committed files' layout.
 */

export type Condition = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One entry of a permission table: actions on resources, optionally under a condition; Allow unless `effect`. */
export interface Grant {
  readonly effect?: 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Condition;
}

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** IAM's limit for a customer managed policy, counted without whitespace (IAM and STS quotas). */
export const MANAGED_POLICY_MAX_CHARS = 6_144;

export const policySize = (policy: PolicyDocument): number => JSON.stringify(policy).length;

/**
 * Grants with the same effect, resources and condition become one statement; actions and statements sorted, so the
 * same grants always give the same statements.
 */
export function statementsOf(grants: readonly Grant[]): PolicyStatement[] {
  const merged = new Map<string, { actions: Set<string>; grant: Grant }>();
  for (const grant of grants) {
    const key = JSON.stringify([
      grant.effect ?? 'Allow',
      [...grant.resources].sort(),
      grant.condition ?? null,
    ]);
    const entry = merged.get(key) ?? { actions: new Set<string>(), grant };
    for (const action of grant.actions) entry.actions.add(action);
    merged.set(key, entry);
  }
  return [...merged.values()]
    .map(({ actions, grant }) => ({
      Effect: grant.effect ?? ('Allow' as const),
      Action: [...actions].sort(),
      Resource: [...grant.resources].sort(),
      ...(grant.condition === undefined ? {} : { Condition: grant.condition }),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/**
 * `statements` in as few documents as fit IAM's managed-policy size, in order (a Deny in one attached policy
 * applies to the role's requests whichever policy allows them). Throws for a single statement that fits in none.
 */
export function splitIntoPolicies(statements: readonly PolicyStatement[], what: string): PolicyDocument[] {
  const policies: PolicyStatement[][] = [];
  for (const statement of statements) {
    const last = policies.at(-1);
    if (last !== undefined && policySize(document([...last, statement])) <= MANAGED_POLICY_MAX_CHARS) {
      last.push(statement);
      continue;
    }
    const alone = document([statement]);
    if (policySize(alone) > MANAGED_POLICY_MAX_CHARS) {
      throw new Error(
        `${what}: the statement for ${statement.Action.join(', ')} is ${policySize(alone)} characters, above ` +
          `IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy: split its grant in two`,
      );
    }
    policies.push([statement]);
  }
  return policies.map(document);
}

export const document = (statements: readonly PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** Biome's line width (biome.json): the committed files are laid out as `npm run format` would leave them. */
const LINE_WIDTH = 110;

/**
 * A committed policy file: objects one key per line, an array on one line where it fits the line width and one
 * item per line where not (Biome's JSON layout, so `npm run lint` passes on it), final newline.
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
