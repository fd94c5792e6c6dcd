/**
 * `npm run bootstrap:policy`: writes the CloudFormation execution policy (infra/bootstrap/cfn-execution-policy-<n>.json,
 * as many as IAM's size limit needs) and the roles' permissions boundary (infra/bootstrap/role-boundary-policy.json),
 * both derived from what every stage's templates create, removes execution-policy files no longer needed, and
 * prints the commands that create them and bootstrap an account (docs/infrastructure.md, "Set up an account and
 * GitHub").
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../common/cli.ts';
import { executionPolicies } from './execution-policy.ts';
import { policyFileText } from './policy-document.ts';
import {
  bootstrapCommands,
  EXECUTION_FILE_PATTERN,
  executionPolicyFiles,
  ROLE_BOUNDARY_FILE,
} from './policy-files.ts';
import { roleBoundaryPolicy } from './role-boundary.ts';
import { resourceTypes, synthesizedTemplates } from './synthesized-templates.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDER = fileURLToPath(new URL('.', import.meta.url));

async function main(): Promise<void> {
  const templates = synthesizedTemplates();
  // Both derived before anything is written: a refusal leaves the committed files as they were.
  const execution = executionPolicies(resourceTypes(templates));
  const boundary = roleBoundaryPolicy(templates);
  const executionFiles = executionPolicyFiles(execution.length);
  await writeFileAtomic(join(REPO_ROOT, ROLE_BOUNDARY_FILE.path), policyFileText(boundary));
  for (const [index, file] of executionFiles.entries()) {
    const policy = execution[index];
    if (policy !== undefined) await writeFileAtomic(join(REPO_ROOT, file.path), policyFileText(policy));
  }
  const written = new Set(executionFiles.map((file) => join(REPO_ROOT, file.path)));
  for (const name of readdirSync(FOLDER).filter((entry) => EXECUTION_FILE_PATTERN.test(entry))) {
    if (!written.has(join(FOLDER, name))) rmSync(join(FOLDER, name));
  }
  console.error(
    `wrote ${ROLE_BOUNDARY_FILE.path} and ${executionFiles.map((file) => file.path).join(', ')}; ` +
      'to bootstrap an account (docs/infrastructure.md):',
  );
  console.log(bootstrapCommands(executionFiles).join('\n'));
}

if (isEntryPoint(import.meta.url)) await runCli({ name: 'bootstrap:policy' }, main);
