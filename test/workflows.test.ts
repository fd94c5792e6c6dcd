import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { stageSettings } from '../infra/config/stages.ts';
import { DEPLOY_ROLE_SESSION_SECONDS } from '../infra/lib/deploy-session.ts';
import { OUTPUT_KEYS } from '../infra/lib/names.ts';
import { STACK_NAMES } from '../infra/lib/shiftgate-app.ts';
import { releaseStepOutputs } from '../scripts/stack-outputs.ts';
import { parseWorkflowFile, readWorkflowFiles, type WorkflowFile } from '../scripts/workflow-file.ts';
import {
  findingsInStepLines,
  PRELUDE_LINES,
  withExpressionsAsPlaceholders,
  workflowShellScripts,
} from '../scripts/workflow-shell-scripts.ts';
import { SLO_DEFINITION } from '../slo/src/definition.ts';
import { durationMinutes } from '../slo/src/duration.ts';
import {
  EXIT_BUDGET_EXHAUSTED,
  EXIT_DATA_PROBLEM,
  EXIT_OK,
  EXIT_USAGE_OR_AWS_ERROR,
} from '../slo/src/report.ts';
import {
  deployIsSerialized,
  idTokenOnlyWhereARoleIsAssumed,
  jobKind,
  jobPermissionsAreMinimal,
  noDependencyCacheWithCredentials,
  noPullRequestTarget,
  noSecretsInRunScripts,
  noShellTracing,
  onlyThePrReportWritesPullRequests,
  RULES,
  type Rule,
  roleDurations,
  thirdPartyActionsArePinned,
  workflowPermissionsAreReadOnly,
} from './workflow-rules.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOWS_DIR = join(REPO_ROOT, '.github/workflows');
const ACTIONS_DIR = join(REPO_ROOT, '.github/actions');
const SHA = 'a'.repeat(40);

function workflow(name: string, text: string): WorkflowFile {
  return parseWorkflowFile(name, text);
}

/** A one-job workflow around `job` (YAML indented by 4), read-only at the top. */
function oneJob(job: string, { name = 'x.yml', top = 'permissions: {}' } = {}): WorkflowFile {
  return workflow(name, `on: push\n${top}\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}\n`);
}

describe('the real workflows', () => {
  let files: WorkflowFile[];
  beforeAll(async () => {
    files = await readWorkflowFiles(WORKFLOWS_DIR);
  });
  const byName = (name: string): WorkflowFile => {
    const file = files.find((candidate) => candidate.name === name);
    if (file === undefined) throw new Error(`.github/workflows/${name} is missing`);
    return file;
  };

  it('are the four of issue 12', () => {
    expect(files.map((file) => file.name)).toEqual(['deploy.yml', 'pr.yml', 'rollback.yml', 'slo-watch.yml']);
  });

  it.each(Object.keys(RULES))('keep %s', (ruleName) => {
    const rule = RULES[ruleName] as Rule;
    expect(files.flatMap(rule)).toEqual([]);
  });

  it("give each job the permissions its kind needs and no more: the release's, the watch's, the report's", () => {
    const kinds = files.flatMap((file) =>
      Object.entries(file.workflow.jobs).map(([id, job]) => `${file.name} › ${id}: ${jobKind(job)}`),
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'deploy.yml › release: release',
        'rollback.yml › rollback: release',
        'slo-watch.yml › watch: slo-watch',
        'pr.yml › report: pr-report',
      ]),
    );
  });

  // A rollback can hand live back after a promotion (three provisioned-concurrency waits) or abort the release in
  // the middle of one; the session that covers the worst release covers it, and a rollback cut off by its timeout
  // would leave the lock held and live mid-move when it is needed most.
  it.each([
    ['deploy.yml', 'release'],
    ['rollback.yml', 'rollback'],
  ])(
    'in %s, assume the deploy role for as long as the role allows, and give the job that long',
    (file, job) => {
      expect(roleDurations(byName(file), 'SHIFTGATE_DEPLOY_ROLE_ARN')).toEqual([DEPLOY_ROLE_SESSION_SECONDS]);
      expect(Number(byName(file).workflow.jobs[job]?.['timeout-minutes']) * 60).toBe(
        DEPLOY_ROLE_SESSION_SECONDS,
      );
    },
  );

  it("run the release and the rollback in prod's GitHub environment, the one its deploy role trusts", () => {
    const environment = stageSettings('prod').githubEnvironment;
    const environmentOf = (file: string, job: string) => {
      const declared = byName(file).workflow.jobs[job]?.environment;
      return typeof declared === 'object' ? declared.name : declared;
    };
    const deploymentOf = (file: string, job: string) =>
      byName(file).workflow.jobs[job]?.steps?.find((step) => step.uses === './.github/actions/release')?.with
        ?.environment;
    for (const [file, job] of [
      ['deploy.yml', 'release'],
      ['rollback.yml', 'rollback'],
    ] as const) {
      expect(environmentOf(file, job)).toBe(environment);
      // The release action posts its outcome on this environment's Deployment: the one the job runs in.
      expect(deploymentOf(file, job)).toBe(environment);
    }
  });

  it('deploy the stage stack by its name in infra, with the repository and an outputs file', () => {
    const scripts = Object.values(byName('deploy.yml').workflow.jobs).flatMap((job) =>
      (job.steps ?? []).flatMap((step) => (step.run?.includes('cdk deploy') ? [step.run] : [])),
    );
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toContain(`"${STACK_NAMES.service('$STAGE')}"`);
    expect(scripts[0]).toContain('-c githubRepository="$GITHUB_REPOSITORY"');
    expect(scripts[0]).toContain('--outputs-file cdk-outputs.json');
  });

  it("read the stage stack by its name in infra: rollback's describe-stacks, both stack-outputs.ts calls", () => {
    const stack = `"${STACK_NAMES.service('$STAGE')}"`;
    const scriptsRunning = (name: string, command: string) =>
      Object.values(byName(name).workflow.jobs).flatMap((job) =>
        (job.steps ?? []).flatMap((step) => (step.run?.includes(command) ? [step.run] : [])),
      );
    expect(scriptsRunning('rollback.yml', 'aws cloudformation describe-stacks')).toEqual([
      expect.stringContaining(`describe-stacks --stack-name ${stack} `),
    ]);
    for (const name of ['deploy.yml', 'rollback.yml']) {
      expect(scriptsRunning(name, 'scripts/stack-outputs.ts')).toEqual([
        expect.stringContaining(`--stack ${stack} `),
      ]);
    }
  });

  it('take from the stack step only the outputs scripts/stack-outputs.ts writes', () => {
    const everyOutput = Object.fromEntries(Object.values(OUTPUT_KEYS).map((key) => [key, 'value']));
    const written = Object.keys(releaseStepOutputs(everyOutput, 'stack', 'region'));
    for (const name of ['deploy.yml', 'rollback.yml']) {
      const file = byName(name);
      const ids = Object.values(file.workflow.jobs).flatMap((job) =>
        (job.steps ?? []).flatMap((step) =>
          step.run?.includes('scripts/stack-outputs.ts') ? [step.id] : [],
        ),
      );
      expect(ids).toEqual([expect.any(String)]);
      const read = [...file.text.matchAll(new RegExp(`steps\\.${ids[0]}\\.outputs\\.([\\w-]+)`, 'g'))].map(
        (match) => match[1],
      );
      expect(read.length).toBeGreaterThan(0);
      expect(read.filter((output) => !written.includes(output ?? ''))).toEqual([]);
    }
  });

  it("start the smoke test's container with the environment of the deployed stage's function", () => {
    const image = byName('pr.yml').workflow.jobs.image;
    const smoke = image?.steps?.find((step) => step.run?.includes('docker run'))?.run ?? '';
    const envFile = /pipeline\/src\/cli\/image-smoke-env\.ts --stage "\$STAGE" --out (\S+)/.exec(smoke)?.[1];
    expect(envFile).toBeDefined();
    expect(/^docker run .*$/m.exec(smoke)?.[0]).toContain(` --env-file ${envFile} `);
    expect(image?.env?.STAGE).toBe(byName('deploy.yml').workflow.jobs.release?.env?.STAGE);
  });

  it("give the PR report each section's job result as it is, the reason for a missing diff beside it", () => {
    const report = byName('pr.yml').workflow.jobs.report;
    const inputs = report?.steps?.find((step) => step.uses === './.github/actions/pr-report')?.with ?? {};
    const statuses = Object.entries(inputs).filter(([input]) => input.endsWith('-status'));
    expect(statuses.map(([input]) => input).sort()).toEqual([
      'image-status',
      'infra-diff-status',
      'loadtest-status',
      'tests-status',
    ]);
    for (const [input, value] of statuses) {
      if (input === 'tests-status') continue;
      const job = /^\$\{\{ needs\.([\w-]+)\.result \}\}$/.exec(String(value))?.[1];
      expect(report?.needs).toContain(job);
    }
    // The tests section covers two jobs: the tests' result, or once they passed, the release rehearsals'.
    expect(inputs['tests-status']).toBe(
      `\${{ needs.test.result == 'success' && needs.release-rehearsal.result || needs.test.result }}`,
    );
    expect(report?.needs).toEqual(expect.arrayContaining(['test', 'release-rehearsal']));
    expect(String(inputs['tests-report']).split('\n').filter(Boolean)).toContain(
      'reports/tests-release.json',
    );
    expect(inputs['infra-diff-why']).toBe(`\${{ needs.infra-diff.outputs.why }}`);
  });

  it('give rollback a concurrency group of its own, so it never queues behind the release it must stop', () => {
    const group = (name: string) => {
      const { concurrency } = byName(name).workflow;
      return typeof concurrency === 'object' ? concurrency.group : concurrency;
    };
    expect(group('rollback.yml')).toBeDefined();
    expect(group('rollback.yml')).not.toBe(group('deploy.yml'));
  });

  it('watch the SLOs at least once per short window of every alert but the fastest (which CloudWatch pages on)', () => {
    const on = byName('slo-watch.yml').workflow.on as { schedule: Array<{ cron: string }> };
    expect(on.schedule).toHaveLength(1);
    const [minutes, ...rest] = (on.schedule[0]?.cron ?? '').split(' ');
    expect(rest).toEqual(['*', '*', '*', '*']);
    const marks = (minutes ?? '').split(',').map(Number);
    const gaps = marks.map(
      (mark, index) => ((marks[index + 1] ?? (marks[0] ?? 0) + 60) - mark + 60) % 60 || 60,
    );
    const interval = Math.max(...gaps);
    const shortWindows = SLO_DEFINITION.burnRateAlerts.map((alert) => durationMinutes(alert.shortWindow));
    const [, ...allButTheFastest] = shortWindows.sort((a, b) => a - b);
    expect(interval).toBeLessThanOrEqual(Math.min(...allButTheFastest));
  });

  it("treat slo:report's answers (budget left, no data, overspent) as answers and its failure as a failure", () => {
    const script = byName('slo-watch.yml').workflow.jobs.watch?.steps?.find(
      (step) => step.id === 'report',
    )?.run;
    for (const answer of [EXIT_OK, EXIT_DATA_PROBLEM, EXIT_BUDGET_EXHAUSTED]) {
      expect(script).toContain(`-ne ${answer} ]`);
    }
    expect(script).not.toContain(`-ne ${EXIT_USAGE_OR_AWS_ERROR} ]`);
  });
});

describe("docs/adopting.md's GitHub settings", () => {
  const adopting = readFileSync(join(REPO_ROOT, 'docs/adopting.md'), 'utf8');
  const settings = adopting.slice(adopting.indexOf('## GitHub settings'));
  let files: WorkflowFile[];
  beforeAll(async () => {
    files = await readWorkflowFiles(WORKFLOWS_DIR);
  });

  it('exist', () => {
    expect(settings.startsWith('## GitHub settings')).toBe(true);
  });

  it('name every repository variable the workflows read', () => {
    const variables = new Set(
      files.flatMap((file) => [...file.text.matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1])),
    );
    expect([...variables].filter((name) => !settings.includes(`variable \`${name}\``))).toEqual([]);
  });

  it('require every check pr.yml runs, by the name GitHub shows, before main moves', () => {
    const pr = files.find((file) => file.name === 'pr.yml');
    const checks = Object.entries(pr?.workflow.jobs ?? {})
      .filter(([id]) => id !== 'report')
      .flatMap(([id, job]) => {
        const name = job.name ?? id;
        const matrix = (job.strategy as { matrix?: Record<string, unknown[]> } | undefined)?.matrix ?? {};
        const key = /\$\{\{ matrix\.(\w+) \}\}/.exec(name)?.[1];
        const values = key === undefined ? [] : (matrix[key] ?? []);
        return key === undefined
          ? [name]
          : values.map((value) => name.replace(/\$\{\{ matrix\.\w+ \}\}/, String(value)));
      });
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((check) => !settings.includes(`\`${check}\``))).toEqual([]);
  });

  it("name prod's GitHub environment and the watch's label", () => {
    expect(settings).toContain(`Environment \`${stageSettings('prod').githubEnvironment}\``);
    const watch = files.find((file) => file.name === 'slo-watch.yml')?.workflow.jobs.watch;
    const passed = watch?.steps?.find((step) => step.uses === './.github/actions/slo-watch')?.with?.label;
    const action = parse(readFileSync(join(ACTIONS_DIR, 'slo-watch/action.yml'), 'utf8')) as {
      inputs: { label: { default: string } };
    };
    expect(settings).toContain(`Label \`${passed ?? action.inputs.label.default}\``);
  });

  it('allow exactly the third-party actions the workflows use', () => {
    const row = settings
      .split('\n')
      .find((line) => line.startsWith('| Actions → General → Actions permissions'));
    const allowed = [...(row?.split('|')[2] ?? '').matchAll(/`([\w.-]+\/[\w.-]+)`/g)].map(
      (match) => match[1],
    );
    const used = new Set(
      files.flatMap((file) =>
        [...file.text.matchAll(/^\s*(?:-\s+)?uses:\s*([\w.-]+\/[\w.-]+)@/gm)]
          .map((match) => match[1] ?? '')
          .filter((action) => !action.startsWith('actions/')),
      ),
    );
    expect(allowed.sort()).toEqual([...used].sort());
  });
});

describe('each rule fails a workflow that breaks it', () => {
  it.each<[string, Rule, WorkflowFile, RegExp]>([
    [
      'a tag instead of a SHA',
      thirdPartyActionsArePinned,
      oneJob('    permissions: {}\n    steps:\n      - uses: actions/checkout@v5'),
      /"actions\/checkout@v5" is not pinned/,
    ],
    [
      'a SHA without its version comment',
      thirdPartyActionsArePinned,
      oneJob(`    permissions: {}\n    steps:\n      - uses: actions/checkout@${SHA}`),
      /has no "# vX.Y.Z" comment/,
    ],
    [
      'a reusable workflow by branch',
      thirdPartyActionsArePinned,
      workflow(
        'x.yml',
        'on: push\npermissions: {}\njobs:\n  call:\n    uses: org/repo/.github/workflows/w.yml@main\n',
      ),
      /x.yml › call: "org\/repo\/.github\/workflows\/w.yml@main" is not pinned/,
    ],
    [
      'no workflow-level permissions',
      workflowPermissionsAreReadOnly,
      oneJob('    permissions: {}\n    steps: []', { top: '' }),
      /no workflow-level permissions/,
    ],
    [
      'write at workflow level',
      workflowPermissionsAreReadOnly,
      oneJob('    permissions: {}\n    steps: []', { top: 'permissions:\n  contents: write' }),
      /workflow-level permissions .* can write/,
    ],
    [
      'a job without permissions',
      jobPermissionsAreMinimal,
      oneJob('    steps:\n      - run: echo hi'),
      /x.yml › build: declares no permissions/,
    ],
    [
      'write-all on a job',
      jobPermissionsAreMinimal,
      oneJob('    permissions: write-all\n    steps: []'),
      /permissions "write-all"/,
    ],
    [
      'a check job that writes contents',
      jobPermissionsAreMinimal,
      oneJob('    permissions:\n      contents: write\n    steps: []'),
      /contents: write is beyond a check job's/,
    ],
    [
      'a release job that writes issues',
      jobPermissionsAreMinimal,
      oneJob('    permissions:\n      issues: write\n    steps:\n      - uses: ./.github/actions/release'),
      /issues: write is beyond a release job's/,
    ],
    [
      'pull-requests: write outside the PR report',
      onlyThePrReportWritesPullRequests,
      oneJob('    permissions:\n      pull-requests: write\n    steps: []', { name: 'deploy.yml' }),
      /deploy.yml › build: pull-requests: write belongs to pr.yml's report job only/,
    ],
    [
      'id-token without a role to assume',
      idTokenOnlyWhereARoleIsAssumed,
      oneJob('    environment: production\n    permissions:\n      id-token: write\n    steps: []'),
      /id-token: write but no aws-actions\/configure-aws-credentials step/,
    ],
    [
      'id-token outside an environment',
      idTokenOnlyWhereARoleIsAssumed,
      oneJob(
        `    permissions:\n      id-token: write\n    steps:\n      - uses: aws-actions/configure-aws-credentials@${SHA} # v6.2.3\n      - uses: ./.github/actions/release`,
      ),
      /id-token: write without an environment/,
    ],
    [
      'an npm cache where AWS credentials are',
      noDependencyCacheWithCredentials,
      oneJob(
        `    environment: production\n    permissions:\n      id-token: write\n    steps:\n      - uses: actions/setup-node@${SHA} # v7.0.0\n        with:\n          cache: npm`,
      ),
      /no cache here; set package-manager-cache: false/,
    ],
    [
      'pull_request_target as a key',
      noPullRequestTarget,
      workflow('x.yml', 'on:\n  pull_request_target:\npermissions: {}\njobs: {}\n'),
      /triggered by pull_request_target/,
    ],
    [
      'pull_request_target in a list',
      noPullRequestTarget,
      workflow('x.yml', 'on: [push, pull_request_target]\npermissions: {}\njobs: {}\n'),
      /triggered by pull_request_target/,
    ],
    [
      'a deploy without concurrency',
      deployIsSerialized,
      oneJob('    permissions: {}\n    steps: []', { name: 'deploy.yml' }),
      /no workflow-level concurrency group/,
    ],
    [
      'a deploy that cancels a running release',
      deployIsSerialized,
      oneJob('    permissions: {}\n    steps: []', {
        name: 'deploy.yml',
        top: 'permissions: {}\nconcurrency:\n  group: release-production\n  cancel-in-progress: true',
      }),
      /must set cancel-in-progress: false/,
    ],
    [
      'a secret inside run:',
      noSecretsInRunScripts,
      oneJob(
        `    permissions: {}\n    steps:\n      - name: push\n        run: echo "\${{ secrets.TOKEN }}" | docker login`,
      ),
      /x.yml › build › push: \$\{\{ secrets.… \}\} inside run:/,
    ],
    [
      'set -x in a script',
      noShellTracing,
      oneJob('    permissions: {}\n    steps:\n      - run: |\n          set -euxo pipefail\n          make'),
      /set -x prints secrets/,
    ],
    [
      'xtrace by shell option',
      noShellTracing,
      oneJob('    permissions: {}\n    steps:\n      - shell: bash -x {0}\n        run: make'),
      /set -x prints secrets/,
    ],
  ])('%s', (_case, rule, file, problem) => {
    expect(rule(file)).toEqual([expect.stringMatching(problem)]);
  });

  it('passes what it allows: a pinned action, read-only permissions, a secret through env:', () => {
    const file = oneJob(
      `    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@${SHA} # v7.0.1\n      - run: docker login --password-stdin <<< "$TOKEN"\n        env:\n          TOKEN: \${{ secrets.TOKEN }}`,
    );
    expect(Object.values(RULES).flatMap((rule) => rule(file))).toEqual([]);
  });

  it('names the file and the field when a workflow is not one', () => {
    expect(() => parseWorkflowFile('broken.yml', 'on: push\njobs: [1]\n')).toThrow(
      /broken.yml: .*\n {2}jobs:/,
    );
    expect(() => parseWorkflowFile('bad.yml', 'on: [\n')).toThrow('bad.yml: not valid YAML');
  });
});

describe('the run scripts shellcheck sees', () => {
  it('replaces each expression with underscores of its length, keeping its line breaks', () => {
    const condition = `\${{ inputs.x }}`;
    const sha = `\${{ github.sha }}`;
    expect(withExpressionsAsPlaceholders(`if ${condition}; then echo "${sha}"; fi`)).toBe(
      `if ${'_'.repeat(condition.length)}; then echo "${'_'.repeat(sha.length)}"; fi`,
    );
    expect(withExpressionsAsPlaceholders(`a \${{ x ||\n y }} b`)).toBe('a ________\n_____ b');
  });

  it('takes every bash/sh run: script after the runner options, skipping other shells and uses: steps', () => {
    const file = workflow(
      'w.yml',
      [
        'on: push',
        'defaults:',
        '  run:',
        '    shell: sh',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA} # v7.0.1`,
        '      - name: greet',
        `        run: echo "\${{ github.actor }}"`,
        '      - shell: bash',
        '        run: ls',
        '      - shell: pwsh',
        '        run: Get-ChildItem',
      ].join('\n'),
    );
    expect(workflowShellScripts(file)).toEqual([
      { location: 'w.yml › a › greet', dialect: 'sh', script: 'set -e\necho "___________________"' },
      { location: 'w.yml › a › step 3', dialect: 'bash', script: 'set -eo pipefail\nls' },
    ]);
  });

  it("reports shellcheck's lines in the step's own numbering", () => {
    const finding = {
      line: 2 + PRELUDE_LINES,
      column: 4,
      code: 2086,
      severity: 'info' as const,
      message: 'Double quote to prevent globbing and word splitting.',
    };
    expect(findingsInStepLines([finding])).toEqual([
      'line 2, column 4: note: Double quote to prevent globbing and word splitting. [SC2086]',
    ]);
    expect(findingsInStepLines([])).toEqual([]);
  });
});

describe('npm run lint:workflows, its shellcheck half (scripts/lint-workflow-shell.ts)', () => {
  const run = promisify(execFile);
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lint-workflow-shell-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  /** Runs it on a directory holding one workflow whose step runs `script`. */
  const lint = async (name: string, script: string) => {
    const workflows = join(directory, name);
    await mkdir(workflows);
    await writeFile(
      join(workflows, 'w.yml'),
      `on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - name: list\n        run: ${script}\n`,
    );
    return run(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts/lint-workflow-shell.ts'), workflows],
      { cwd: REPO_ROOT, timeout: 30_000 },
    );
  };

  it('exits 0 on clean scripts', async () => {
    await expect(lint('clean', 'ls "$DIR"')).resolves.toMatchObject({
      stdout: 'lint-workflow-shell: 1 run scripts, 0 with shellcheck findings\n',
    });
  });

  it("exits 1 on a finding, printing it under the step's name in the step's own lines", async () => {
    await expect(lint('finding', 'ls $DIR')).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        'w.yml › build › list\n  line 1, column 4: note: Double quote to prevent globbing and word splitting. [SC2086]\n',
      ),
    });
  });
});

/** actionlint checks workflows only; the actions' metadata gets this schema (GitHub's metadata syntax, the parts used). */
const actionMetadataSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  author: z.string().optional(),
  branding: z.looseObject({}).optional(),
  inputs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]*$/),
      z.strictObject({
        description: z.string().min(1),
        required: z.boolean().optional(),
        default: z.string().optional(),
      }),
    )
    .default({}),
  outputs: z
    .record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.strictObject({ description: z.string().min(1) }))
    .default({}),
  runs: z.strictObject({ using: z.literal('node24'), main: z.literal('dist/index.js') }),
});

describe('the TypeScript actions the workflows call', () => {
  const actionNames = readdirSync(ACTIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const metadata = (name: string) =>
    actionMetadataSchema.parse(parse(readFileSync(join(ACTIONS_DIR, name, 'action.yml'), 'utf8')));

  it.each(actionNames)('%s: action.yml is valid metadata and its dist/index.js is committed', (name) => {
    expect(() => metadata(name)).not.toThrow();
    expect(existsSync(join(ACTIONS_DIR, name, 'dist/index.js'))).toBe(true);
  });

  it('are called with inputs they declare, and every required input without a default', async () => {
    const problems = (await readWorkflowFiles(WORKFLOWS_DIR)).flatMap((file) =>
      Object.entries(file.workflow.jobs).flatMap(([jobId, job]) =>
        (job.steps ?? []).flatMap((step) => {
          const local = step.uses?.match(/^\.\/\.github\/actions\/([^/]+)$/)?.[1];
          if (local === undefined) return [];
          if (!actionNames.includes(local)) return [`${file.name} › ${jobId}: no action ${local}`];
          const { inputs } = metadata(local);
          const passed = Object.keys(step.with ?? {});
          return [
            ...passed
              .filter((input) => !(input in inputs))
              .map((input) => `${file.name} › ${jobId}: ${local} has no input ${input}`),
            ...Object.entries(inputs)
              .filter(
                ([input, spec]) =>
                  spec.required === true && spec.default === undefined && !passed.includes(input),
              )
              .map(([input]) => `${file.name} › ${jobId}: ${local} needs ${input}`),
          ];
        }),
      ),
    );
    expect(problems).toEqual([]);
  });
});
