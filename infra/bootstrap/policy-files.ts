/**
 * Where `npm run bootstrap:policy` writes the bootstrap's policies, the IAM names they get, and the commands that
 * create them and bootstrap an account with them, pure (docs/infrastructure.md, "Set up an account and GitHub").
 */
import { ROLE_BOUNDARY_POLICY_NAME } from '../lib/names.ts';

const FOLDER = 'infra/bootstrap';

export interface PolicyFile {
  /** Relative to the repository root, as the commands name it. */
  readonly path: string;
  /** The customer managed policy's name in IAM. */
  readonly policyName: string;
}

export const ROLE_BOUNDARY_FILE: PolicyFile = {
  path: `${FOLDER}/role-boundary-policy.json`,
  policyName: ROLE_BOUNDARY_POLICY_NAME,
};

/** `cfn-execution-policy-<n>.json`, the n-th (from 1) managed policy of the execution policy. */
export const EXECUTION_FILE_PATTERN = /^cfn-execution-policy-\d+\.json$/;

export function executionPolicyFiles(count: number): PolicyFile[] {
  return Array.from({ length: count }, (_, index) => ({
    path: `${FOLDER}/cfn-execution-policy-${index + 1}.json`,
    policyName: `ShiftgateCfnExecution${index + 1}`,
  }));
}

const policyArn = (file: PolicyFile) => `arn:aws:iam::<account>:policy/${file.policyName}`;

/**
 * Run from the repository root with administrator credentials, once per account and region: the policies first
 * (the boundary too: every role of the app names it), then the bootstrap with the execution policies in place of
 * AdministratorAccess. The CLI synthesizes the app even for an explicit aws:// environment, and synth refuses
 * cdk.json's placeholder repository, hence the -c.
 */
export function bootstrapCommands(executionFiles: readonly PolicyFile[]): string[] {
  return [
    ...[ROLE_BOUNDARY_FILE, ...executionFiles].map(
      (file) =>
        `aws iam create-policy --policy-name ${file.policyName} --policy-document file://${file.path}`,
    ),
    'npx cdk bootstrap aws://<account>/<region> ' +
      `--cloudformation-execution-policies ${executionFiles.map(policyArn).join(',')} ` +
      '-c githubRepository=<owner>/<repo>',
  ];
}
