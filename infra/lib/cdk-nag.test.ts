import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SYNTH_TIMEOUT_MS, synthesize } from './testing/synth.ts';

describe('cdk-nag AwsSolutions checks', () => {
  it(
    'pass for both stacks, and the report names no unacknowledged finding',
    () => {
      const synth = synthesize();
      try {
        const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8'));
        const conclusions = (report.pluginReports as { pluginName: string; conclusion: string }[]).map(
          ({ pluginName, conclusion }) => `${pluginName}: ${conclusion}`,
        );
        // A clean run lists no plugin report at all; the next test proves the plugin is really active.
        expect(conclusions.filter((line) => !line.endsWith('success'))).toEqual([]);
      } finally {
        rmSync(synth.outdir, { recursive: true, force: true });
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'fail the synth when a new wildcard grant appears, so acknowledgements cannot hide new findings',
    () => {
      const addWildcardRole = ({ service }: { service: import('aws-cdk-lib').Stack }) => {
        new Role(service, 'Careless', {
          assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        }).addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
      };
      expect(() => synthesize({}, undefined, addWildcardRole)).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
    },
    SYNTH_TIMEOUT_MS,
  );
});

/**
 * Runs the Dockerfile's build-stage command in a copy of the staged context, with the dependencies `npm ci`
 * would install linked in: proves the context holds everything the image build reads.
 */
function expectBuildStageRuns(assetDir: string): void {
  const buildDir = mkdtempSync(join(tmpdir(), 'shiftgate-build-stage-'));
  try {
    cpSync(assetDir, buildDir, { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(buildDir, 'node_modules'));
    const dockerfile = readFileSync(join(buildDir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      /^RUN npm run build:image-context -- --arch "\$\{TARGETARCH\}" --out \/image-context$/m,
    );
    const run = spawnSync(
      'npm',
      ['run', 'build:image-context', '--', '--arch', 'amd64', '--out', join(buildDir, 'out')],
      {
        cwd: buildDir,
        encoding: 'utf8',
      },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(readdirSync(join(buildDir, 'out')).sort()).toEqual(['lambda.mjs', 'model', 'node_modules']);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

describe('the image asset CDK stages (the Docker build context, narrowed by .dockerignore)', () => {
  it(
    'holds what the build stage reads and nothing else (no node_modules, tests, training data or cdk.out), enough to run it',
    () => {
      const synth = synthesize();
      try {
        const assetDir = readdirSync(synth.outdir)
          .filter((name) => name.startsWith('asset.'))
          .map((name) => join(synth.outdir, name))
          .find((dir) => readdirSync(dir, { withFileTypes: true }).some((e) => e.name === 'Dockerfile'));
        expect(assetDir).toBeDefined();
        const files = readdirSync(assetDir as string, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => relative(assetDir as string, join(entry.parentPath, entry.name)));
        expect(files).toEqual(
          expect.arrayContaining([
            'Dockerfile',
            'package.json',
            'package-lock.json',
            '.npmrc',
            'scripts/build-service.mjs',
            'infra/image/build-context.ts',
            'service/src/lambda.ts',
            'model/src/domain.ts',
          ]),
        );
        const leaked = files.filter((file) =>
          /(^|\/)node_modules\/|\.test\.ts$|^model\/data\/|^cdk\.out\/|^dist\/|^build\/|^\.git\//.test(file),
        );
        expect(leaked).toEqual([]);
        expectBuildStageRuns(assetDir as string);
      } finally {
        rmSync(synth.outdir, { recursive: true, force: true });
      }
    },
    SYNTH_TIMEOUT_MS,
  );
});
