import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
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
 * Replays the build stage's `COPY` instructions from the staged context into an empty folder, the way Docker
 * would: a directory source copies its content into the destination; a destination ending in `/` receives files.
 */
function copyLikeTheBuildStage(contextDir: string, workDir: string): string {
  const dockerfile = readFileSync(join(contextDir, 'Dockerfile'), 'utf8');
  const buildStage = dockerfile
    .split(/^FROM /m)
    .find((stage) => /^\S.* AS build$/m.test(stage.split('\n')[0] ?? ''));
  expect(buildStage, 'a stage named build').toBeDefined();
  for (const line of (buildStage as string).split('\n').filter((l) => l.startsWith('COPY '))) {
    const words = line
      .split(/\s+/)
      .slice(1)
      .filter((word) => !word.startsWith('--'));
    const destination = words.pop() ?? '';
    for (const source of words) {
      const from = join(contextDir, source);
      expect(existsSync(from), `COPY ${source}: missing from the staged context (.dockerignore)`).toBe(true);
      const into =
        destination.endsWith('/') && !statSync(from).isDirectory()
          ? join(destination, basename(source))
          : destination;
      cpSync(from, join(workDir, into), { recursive: true });
    }
  }
  return buildStage as string;
}

/**
 * Runs the build stage in a folder holding only what its COPY instructions bring, plus the dependencies `npm ci`
 * would install: proves the staged context and the Dockerfile agree on what the image build reads.
 */
function expectBuildStageRuns(assetDir: string): void {
  const buildDir = mkdtempSync(join(tmpdir(), 'shiftgate-build-stage-'));
  try {
    const buildStage = copyLikeTheBuildStage(assetDir, buildDir);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(buildDir, 'node_modules'));
    expect(buildStage).toMatch(
      /^RUN npm run build:image-context -- --arch "\$\{TARGETARCH\}" --out \/image-context$/m,
    );
    const out = join(buildDir, 'out');
    const run = spawnSync('npm', ['run', 'build:image-context', '--', '--arch', 'amd64', '--out', out], {
      cwd: buildDir,
      encoding: 'utf8',
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['lambda.mjs', 'lambda.mjs.map', 'model', 'node_modules']);
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
            'service/src/lambda/main.ts',
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
