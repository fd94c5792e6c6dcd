/**
 * `npm run bootstrap:policy`: writes infra/bootstrap/cfn-execution-policy.json, the CloudFormation execution policy
 * derived from what every stage's templates create (docs/infrastructure.md, "Bootstrap with a least-privilege
 * execution policy").
 */
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { executionPolicy, policyFileText } from './execution-policy.ts';
import { templateResourceTypes } from './template-resource-types.ts';

export const POLICY_FILE = fileURLToPath(new URL('./cfn-execution-policy.json', import.meta.url));

async function main(): Promise<void> {
  const types = templateResourceTypes();
  const policy = executionPolicy(types);
  await writeFileAtomic(POLICY_FILE, policyFileText(policy));
  console.error(`${POLICY_FILE}: ${policy.Statement.length} statements for ${types.length} resource types`);
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'bootstrap:policy' }, main);
