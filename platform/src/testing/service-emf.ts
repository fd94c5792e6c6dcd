/**
 * Real EMF lines, as the service writes them: a child process runs service/src/observability.ts's observer with
 * Powertools Metrics, which writes to the process's own stdout (no patching of ours), and the lines are returned.
 * Tests of the platform's EMF reading use these, so a change in the service's metric shape breaks them.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RequestRecord } from '../../../service/src/observability.ts';

const OBSERVABILITY = fileURLToPath(new URL('../../../service/src/observability.ts', import.meta.url));

const SCRIPT = `
import { Logger } from '@aws-lambda-powertools/logger';
const { createObserver, powertoolsMetrics } = await import(process.env.OBSERVABILITY);
const { namespace, stage, functionVersion, records } = JSON.parse(process.env.EMF_INPUT);
const logger = new Logger({ serviceName: 'emf-fixture', logLevel: 'SILENT' });
const observer = createObserver(logger, { sink: powertoolsMetrics(namespace, logger), stage, functionVersion });
for (const record of records) observer.requestCompleted(record);
`;

export async function serviceEmfLines(input: {
  namespace: string;
  stage: string;
  functionVersion: string;
  records: readonly RequestRecord[];
}): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    {
      env: { ...process.env, OBSERVABILITY: OBSERVABILITY, EMF_INPUT: JSON.stringify(input) },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout.split('\n').filter((line) => line.trim() !== '');
}
