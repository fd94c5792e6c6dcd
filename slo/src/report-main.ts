import { runCli } from '../../common/cli.ts';
import { PROCESS_IO, runReportCli, USAGE } from './report-cli.ts';

await runCli({ name: 'slo:report', usage: USAGE }, () => runReportCli(process.argv.slice(2), PROCESS_IO));
