import { PROCESS_IO, runReportCli } from './report-cli.ts';

process.exitCode = await runReportCli(process.argv.slice(2), PROCESS_IO);
