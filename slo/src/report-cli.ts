/**
 * `npm run slo:report`: reads CloudWatch for the rolling SLO window and prints the error-budget report.
 * Exit codes (report.ts, docs/slo.md): 0 every budget has something left; 1 bad usage, an invalid SLO
 * definition or an AWS error; 2 no invocations, the app's and Lambda's metrics disagree, or an SLO measured
 * nothing in the window; 3 a budget is overspent: freeze releases.
 */
import { parseArgs } from 'node:util';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { describeError } from '../../common/errors.ts';
// Plain constants (no CDK): the alias the stack routes production traffic through.
import { LIVE_ALIAS_NAME } from '../../infra/lib/names.ts';
import { fetchReportInput } from './cloudwatch-series.ts';
import { SLO_DEFINITION } from './definition.ts';
import { buildReport, EXIT_USAGE_OR_AWS_ERROR, reportExitCode } from './report.ts';
import { renderJson, renderMarkdown } from './report-render.ts';
import { SLO_ENV } from './slo-env.ts';
import { validateDefinition } from './validate.ts';

export const USAGE = `Usage: npm run slo:report -- --function-name NAME --stage NAME [options]
Required (the flag or its environment variable):
  --function-name NAME  Lambda function serving the API (or env ${SLO_ENV.functionName})
  --stage NAME          stage whose metrics to read, e.g. prod (or env ${SLO_ENV.stage})
Options:
  --alias NAME          alias traffic goes through (or env ${SLO_ENV.aliasName}; default: ${LIVE_ALIAS_NAME})
  --region REGION       AWS region (default: the SDK's, e.g. AWS_REGION)
  --end ISO-8601        end of the window (default: now), e.g. 2026-11-29T00:00:00Z
  --format FORMAT       markdown (default) or json, printed to stdout
  --json-file PATH      also write the JSON report to PATH
  -h, --help            print this help and exit 0
Exit codes: 0 budgets left, 1 usage/definition/AWS error, 2 no invocations, app and Lambda metrics
disagree, or an SLO measured nothing (the message names the likely cause), 3 a budget is overspent
(release freeze).`;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  makeClient: (region: string | undefined) => CloudWatchClient;
  /** Writes the whole file or nothing. */
  writeFileAtomic: (path: string, text: string) => Promise<void>;
}

interface CliOptions {
  functionName: string;
  stage: string;
  aliasName: string;
  region: string | undefined;
  end: Date;
  format: 'markdown' | 'json';
  jsonFile: string | undefined;
}

export async function runReportCli(args: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    const parsed = parseOptions(args, io);
    if (parsed === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT_HELP;
    }
    options = parsed;
    validateDefinition(SLO_DEFINITION);
  } catch (error) {
    io.stderr(`${describeError(error)}\n\n${USAGE}\n`);
    return EXIT_USAGE_OR_AWS_ERROR;
  }
  try {
    const client = io.makeClient(options.region);
    const target = { functionName: options.functionName, aliasName: options.aliasName, stage: options.stage };
    const input = await fetchReportInput(client, { definition: SLO_DEFINITION, target, end: options.end });
    const region = await client.config.region();
    const report = buildReport(SLO_DEFINITION, input, { ...target, region });
    io.stdout(options.format === 'json' ? renderJson(report) : renderMarkdown(report));
    if (options.jsonFile !== undefined) await io.writeFileAtomic(options.jsonFile, renderJson(report));
    for (const problem of report.dataProblems) io.stderr(`slo:report: ${problem}\n`);
    return reportExitCode(report);
  } catch (error) {
    io.stderr(`slo:report failed while reading CloudWatch or writing the report: ${describeError(error)}\n`);
    return EXIT_USAGE_OR_AWS_ERROR;
  }
}

/** Asking for help is no failure: the usage goes to stdout and the exit code is 0. */
const EXIT_HELP = 0;

/** The options, or 'help' when --help / -h was given (whatever else was). */
function parseOptions(args: readonly string[], io: CliIo): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      'function-name': { type: 'string' },
      stage: { type: 'string' },
      alias: { type: 'string' },
      region: { type: 'string' },
      end: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      'json-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const fromEnv = (key: keyof typeof SLO_ENV): string | undefined => {
    const value = io.env[SLO_ENV[key]]?.trim();
    return value === '' ? undefined : value;
  };
  const functionName = values['function-name'] ?? fromEnv('functionName');
  if (functionName === undefined || functionName === '') {
    throw new Error(
      `Missing --function-name (or environment variable ${SLO_ENV.functionName}): name the Lambda function`,
    );
  }
  const stage = values.stage ?? fromEnv('stage');
  if (stage === undefined || stage === '') {
    throw new Error(
      `Missing --stage (or environment variable ${SLO_ENV.stage}): name the stage whose metrics to read, e.g. prod`,
    );
  }
  const end = values.end === undefined ? io.now() : new Date(values.end);
  if (Number.isNaN(end.getTime())) {
    throw new Error(`--end '${values.end}' is not a date; use ISO-8601 like 2026-11-29T00:00:00Z`);
  }
  if (values.format !== 'markdown' && values.format !== 'json') {
    throw new Error(`--format '${values.format}' is not supported; use markdown or json`);
  }
  return {
    functionName,
    stage,
    aliasName: values.alias ?? fromEnv('aliasName') ?? LIVE_ALIAS_NAME,
    region: values.region,
    end,
    format: values.format,
    jsonFile: values['json-file'],
  };
}

/** The real edges: process env, clock, stdio, the AWS SDK and an all-or-nothing file write. */
export const PROCESS_IO: CliIo = {
  env: process.env,
  now: () => new Date(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  makeClient: (region) => new CloudWatchClient(region === undefined ? {} : { region }),
  writeFileAtomic,
};
