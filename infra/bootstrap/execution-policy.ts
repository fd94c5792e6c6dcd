/**
 * The CloudFormation execution policy for `cdk bootstrap --cloudformation-execution-policies`, pure: from the
 * resource types the synthesized templates hold to the IAM policy documents that allow what CloudFormation needs
 * for them (resource-permissions.ts) and nothing else, in place of the bootstrap's default AdministratorAccess;
 * split into as many managed policies as IAM's size limit needs (the flag takes a comma-separated list).
 */
import { type PolicyDocument, splitIntoPolicies, statementsOf } from './policy-document.ts';
import { RESOURCE_PERMISSIONS, TEMPLATE_PERMISSIONS } from './resource-permissions.ts';

/**
 * The policies for `resourceTypes`, the same for the same types whatever their order. Throws naming every type
 * with no entry in RESOURCE_PERMISSIONS.
 */
export function executionPolicies(resourceTypes: Iterable<string>): PolicyDocument[] {
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
  return splitIntoPolicies(statementsOf(grants), 'the execution policy');
}
