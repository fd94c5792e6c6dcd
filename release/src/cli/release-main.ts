import { runCli } from '../../../common/cli.ts';
import { processReleaseCliIo, runReleaseCli } from './release.ts';

await runCli({ name: 'release', failureCode: 1 }, () =>
  runReleaseCli(process.argv.slice(2), processReleaseCliIo()),
);
