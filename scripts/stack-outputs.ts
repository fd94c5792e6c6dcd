/**
 * node --import tsx scripts/stack-outputs.ts --file F --stack NAME --region R >> "$GITHUB_OUTPUT"
 *
 * Turns a stage stack's CloudFormation outputs into the step outputs the release action takes (deploy.yml after
 * `cdk deploy --outputs-file`, rollback.yml after `aws cloudformation describe-stacks`). The output keys come
 * from infra/lib/names.ts, the one place they are named; a missing one fails here, before any release starts.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isEntryPoint, runCli } from '../common/cli.ts';
import { LIVE_ALIAS_NAME, OUTPUT_KEYS } from '../infra/lib/names.ts';

const USAGE =
  'usage: node --import tsx scripts/stack-outputs.ts --file cdk-outputs.json|describe-stacks.json --stack NAME --region REGION';

/** `cdk deploy --outputs-file`: { "<stack>": { "<OutputKey>": "<value>" } }. */
const cdkOutputsSchema = z.record(z.string(), z.record(z.string(), z.string()));
/** `aws cloudformation describe-stacks --stack-name <stack>`. */
const describeStacksSchema = z.object({
  Stacks: z.array(
    z.object({
      StackName: z.string(),
      Outputs: z.array(z.object({ OutputKey: z.string(), OutputValue: z.string() })).default([]),
    }),
  ),
});

/** The named stack's outputs from either file shape; the error names the stack and what the file holds. */
export function stackOutputs(document: unknown, stack: string): Record<string, string> {
  const described = describeStacksSchema.safeParse(document);
  if (described.success) {
    const found = described.data.Stacks.find((candidate) => candidate.StackName === stack);
    if (found === undefined) {
      const names = described.data.Stacks.map((candidate) => candidate.StackName).join(', ') || 'none';
      throw new Error(
        `describe-stacks has no stack "${stack}" (it has: ${names}); pass --stack-name ${stack}`,
      );
    }
    return Object.fromEntries(found.Outputs.map((output) => [output.OutputKey, output.OutputValue]));
  }
  const fromCdk = cdkOutputsSchema.safeParse(document);
  if (!fromCdk.success) {
    throw new Error('neither a cdk --outputs-file nor a describe-stacks answer', { cause: fromCdk.error });
  }
  const outputs = fromCdk.data[stack];
  if (outputs === undefined) {
    const names = Object.keys(fromCdk.data).join(', ') || 'none';
    throw new Error(`the cdk outputs file has no stack "${stack}" (it has: ${names}); deploy ${stack} first`);
  }
  return outputs;
}

/** The release action's inputs (and the environment's URL), keyed by step-output name. */
export function releaseStepOutputs(
  outputs: Readonly<Record<string, string>>,
  stack: string,
  region: string,
): Record<string, string> {
  const read = (key: string): string => {
    const value = outputs[key];
    if (value === undefined) {
      throw new Error(
        `stack ${stack} has no output ${key} (infra/lib/names.ts OUTPUT_KEYS); deploy a version of the stack that has it`,
      );
    }
    return value;
  };
  const functionName = read(OUTPUT_KEYS.functionName);
  return {
    'function-name': functionName,
    // A rollback reads the outputs of a stack it does not deploy: the published version is the newest one, not
    // a candidate, and the action ignores it for `command: rollback`.
    candidate: read(OUTPUT_KEYS.publishedVersion),
    'record-table': read(OUTPUT_KEYS.releaseTableName),
    'page-alarms': read(OUTPUT_KEYS.pageAlarmNames),
    'console-url': `https://${region}.console.aws.amazon.com/lambda/home?region=${region}#/functions/${functionName}/aliases/${LIVE_ALIAS_NAME}`,
  };
}

/** `key=value` lines for $GITHUB_OUTPUT; a value with a line break would end its entry early, so it is refused. */
export function githubOutputLines(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (/[\r\n]/.test(value)) throw new Error(`output ${key} spans lines (${JSON.stringify(value)})`);
      return `${key}=${value}\n`;
    })
    .join('');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { file: { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' } },
  });
  if (values.file === undefined || values.stack === undefined || values.region === undefined) {
    throw new Error('--file, --stack and --region are all required');
  }
  let document: unknown;
  try {
    document = JSON.parse(await readFile(values.file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the stack outputs in ${values.file}`, { cause: error });
  }
  const outputs = stackOutputs(document, values.stack);
  process.stdout.write(githubOutputLines(releaseStepOutputs(outputs, values.stack, values.region)));
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'stack-outputs', usage: USAGE }, main);
}
