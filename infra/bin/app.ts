import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readAppConfig } from '../config/app-config.ts';
import { addShiftgateStacks } from '../lib/shiftgate-app.ts';

const app = new App();
const config = readAppConfig((key) => app.node.tryGetContext(key));
// The CLI fills these from the caller's credentials; without any (here, in CI) the stacks are environment-agnostic.
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
addShiftgateStacks(app, config, env, fileURLToPath(new URL('../..', import.meta.url)));
app.synth();
