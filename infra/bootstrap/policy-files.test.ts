import { describe, expect, it } from 'vitest';
import { bootstrapCommands, EXECUTION_FILE_PATTERN, executionPolicyFiles } from './policy-files.ts';

describe('bootstrapCommands', () => {
  it('creates the boundary and every execution policy, then bootstraps with all of them and the repository', () => {
    expect(bootstrapCommands(executionPolicyFiles(2))).toEqual([
      'aws iam create-policy --policy-name ShiftgateRoleBoundary --policy-document file://infra/bootstrap/role-boundary-policy.json',
      'aws iam create-policy --policy-name ShiftgateCfnExecution1 --policy-document file://infra/bootstrap/cfn-execution-policy-1.json',
      'aws iam create-policy --policy-name ShiftgateCfnExecution2 --policy-document file://infra/bootstrap/cfn-execution-policy-2.json',
      'npx cdk bootstrap aws://<account>/<region> --cloudformation-execution-policies ' +
        'arn:aws:iam::<account>:policy/ShiftgateCfnExecution1,arn:aws:iam::<account>:policy/ShiftgateCfnExecution2 ' +
        '-c githubRepository=<owner>/<repo>',
    ]);
  });

  it('names execution-policy files the way the generator finds stale ones', () => {
    const names = executionPolicyFiles(3).map((file) => file.path.split('/').at(-1) ?? '');
    expect(names.every((name) => EXECUTION_FILE_PATTERN.test(name))).toBe(true);
    expect(EXECUTION_FILE_PATTERN.test('role-boundary-policy.json')).toBe(false);
  });
});
