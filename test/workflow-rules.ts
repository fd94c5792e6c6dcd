/**
 * The rules every workflow in .github/workflows/ must keep (issue 12, "Security"), as pure functions over a parsed
 * workflow: each returns the problems it finds, each naming the file, the job or step, and the fix.
 * test/workflows.test.ts runs them on the real files and on bad ones.
 */
import {
  type Job,
  jobsOf,
  type Permissions,
  type Step,
  stepLabel,
  type WorkflowFile,
} from '../scripts/workflow-file.ts';

export type Rule = (file: WorkflowFile) => string[];

const LOCAL_ACTION_PREFIX = './';
const AWS_CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials';
const FULL_SHA = /^[0-9a-f]{40}$/;

function stepsOf(job: Job): Step[] {
  return job.steps ?? [];
}

/** Every `uses:` of the workflow (jobs calling reusable workflows and steps) with where it is. */
function usesOf(file: WorkflowFile): Array<{ where: string; uses: string }> {
  return jobsOf(file.workflow).flatMap(([jobId, job]) => [
    ...(job.uses === undefined ? [] : [{ where: `${file.name} › ${jobId}`, uses: job.uses }]),
    ...stepsOf(job).flatMap((step, index) =>
      step.uses === undefined
        ? []
        : [{ where: `${file.name} › ${jobId} › ${stepLabel(step, index)}`, uses: step.uses }],
    ),
  ]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A tag or branch can be moved to other code after review; a full commit SHA cannot. The version comment on the
 * same line is what Dependabot and a reader go by. Each pin is the commit its tag points at in the action's own
 * repository; to bump one, `git ls-remote https://github.com/<owner>/<repo> 'refs/tags/vX.Y.Z^{}'` (or the tag
 * itself when it is not annotated) gives the new SHA.
 */
export const thirdPartyActionsArePinned: Rule = (file) =>
  usesOf(file).flatMap(({ where, uses }) => {
    if (uses.startsWith(LOCAL_ACTION_PREFIX)) return [];
    const ref = uses.split('@')[1];
    if (ref === undefined || !FULL_SHA.test(ref)) {
      return [`${where}: "${uses}" is not pinned; use <action>@<40-hex commit SHA> # vX.Y.Z`];
    }
    const line = new RegExp(
      `^\\s*(?:-\\s+)?uses:\\s*${escapeRegExp(uses)}\\s+#\\s*v\\d+\\.\\d+\\.\\d+\\s*$`,
      'm',
    );
    return line.test(file.text)
      ? []
      : [`${where}: "${uses}" has no "# vX.Y.Z" comment on its line; add the tag the SHA was taken from`];
  });

function isReadOnly(permissions: Permissions): boolean {
  if (typeof permissions === 'string') return permissions === 'read-all';
  return Object.values(permissions).every((level) => level === 'read' || level === 'none');
}

/** The workflow-wide token grants nothing to write with: each job asks for what it needs. */
export const workflowPermissionsAreReadOnly: Rule = (file) => {
  const { permissions } = file.workflow;
  if (permissions === undefined) {
    return [
      `${file.name}: no workflow-level permissions (the repository default may be write); add permissions: {}`,
    ];
  }
  return isReadOnly(permissions)
    ? []
    : [
        `${file.name}: workflow-level permissions ${JSON.stringify(permissions)} can write; use {} and grant per job`,
      ];
};

/** What a job does, told by the local action it runs; each kind has its own allow-list of scopes. */
export type JobKind = 'check' | 'pr-report' | 'release' | 'slo-watch';

const JOB_KIND_BY_ACTION: Readonly<Record<string, JobKind>> = {
  './.github/actions/pr-report': 'pr-report',
  './.github/actions/release': 'release',
  './.github/actions/slo-watch': 'slo-watch',
};

/** The most each kind of job may be granted; every job is held to its kind's list. */
export const ALLOWED_PERMISSIONS: Readonly<Record<JobKind, Readonly<Record<string, 'read' | 'write'>>>> = {
  check: { contents: 'read' },
  // The sticky comment on the pull request.
  'pr-report': { contents: 'read', 'pull-requests': 'write' },
  // The OIDC token for the deploy role, the Deployment status and the shiftgate/release commit status.
  release: { contents: 'read', 'id-token': 'write', deployments: 'write', statuses: 'write' },
  // The OIDC token for the watch role, one issue per breach.
  'slo-watch': { contents: 'read', 'id-token': 'write', issues: 'write' },
};

export function jobKind(job: Job): JobKind {
  const kinds = stepsOf(job).flatMap((step) => {
    const kind = step.uses === undefined ? undefined : JOB_KIND_BY_ACTION[step.uses];
    return kind === undefined ? [] : [kind];
  });
  return kinds[0] ?? 'check';
}

const LEVEL_RANK = { none: 0, read: 1, write: 2 } as const;

/** Every job declares its permissions, and none beyond its kind's allow-list. */
export const jobPermissionsAreMinimal: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) => {
    const where = `${file.name} › ${jobId}`;
    const { permissions } = job;
    if (permissions === undefined) return [`${where}: declares no permissions; list the scopes it needs`];
    if (typeof permissions === 'string')
      return [`${where}: permissions "${permissions}"; list the scopes it needs`];
    const allowed = ALLOWED_PERMISSIONS[jobKind(job)];
    return Object.entries(permissions).flatMap(([scope, level]) => {
      const most = allowed[scope];
      const rank = LEVEL_RANK[level as keyof typeof LEVEL_RANK];
      if (rank === undefined) return [`${where}: ${scope}: "${level}" is not read, write or none`];
      if (rank === 0) return [];
      return most !== undefined && rank <= LEVEL_RANK[most]
        ? []
        : [`${where}: ${scope}: ${level} is beyond a ${jobKind(job)} job's ${JSON.stringify(allowed)}`];
    });
  });

function grants(job: Job, scope: string, level: string): boolean {
  return typeof job.permissions === 'object'
    ? job.permissions[scope] === level
    : job.permissions === 'write-all';
}

/** Only pr.yml's report job may write to pull requests: it is the one that posts the comment. */
export const onlyThePrReportWritesPullRequests: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) =>
    grants(job, 'pull-requests', 'write') && !(file.name === 'pr.yml' && jobId === 'report')
      ? [`${file.name} › ${jobId}: pull-requests: write belongs to pr.yml's report job only`]
      : [],
  );

/**
 * `id-token: write` only where a role is assumed, and only behind a GitHub environment (whose reviewers and branch
 * policy the deploy role's trust relies on) or in the SLO watch (its role reads metrics only).
 */
export const idTokenOnlyWhereARoleIsAssumed: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) => {
    if (!grants(job, 'id-token', 'write')) return [];
    const where = `${file.name} › ${jobId}`;
    const assumesRole = stepsOf(job).some((step) => step.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    const problems: string[] = [];
    if (!assumesRole)
      problems.push(`${where}: id-token: write but no ${AWS_CREDENTIALS_ACTION} step; drop it`);
    if (job.environment === undefined && jobKind(job) !== 'slo-watch') {
      problems.push(`${where}: id-token: write without an environment; add environment: production`);
    }
    return problems;
  });

/** A dependency cache written by any run would execute with the job's AWS credentials. */
export const noDependencyCacheWithCredentials: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) => {
    if (!grants(job, 'id-token', 'write')) return [];
    return stepsOf(job).flatMap((step, index) =>
      step.uses?.startsWith('actions/setup-node@') &&
      (step.with?.cache !== undefined || step.with?.['package-manager-cache'] !== false)
        ? [
            `${file.name} › ${jobId} › ${stepLabel(step, index)}: no cache here; set package-manager-cache: false`,
          ]
        : [],
    );
  });

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.filter((event): event is string => typeof event === 'string');
  if (typeof on === 'object' && on !== null) return Object.keys(on);
  return [];
}

/** pull_request_target runs with the base's secrets and a write token; checking out the PR's head there is a takeover. */
export const noPullRequestTarget: Rule = (file) =>
  triggers(file.workflow.on).includes('pull_request_target')
    ? [
        `${file.name}: triggered by pull_request_target; use pull_request (a fork's PR gets a read-only token)`,
      ]
    : [];

/** deploy.yml releases one commit at a time and never cancels one halfway (live would stay split, the lock held). */
export const deployIsSerialized: Rule = (file) => {
  if (file.name !== 'deploy.yml') return [];
  const { concurrency } = file.workflow;
  if (typeof concurrency !== 'object') {
    return [
      `${file.name}: no workflow-level concurrency group; add { group: release-production, cancel-in-progress: false }`,
    ];
  }
  return concurrency['cancel-in-progress'] === false
    ? []
    : [`${file.name}: concurrency must set cancel-in-progress: false, or a push cancels a running release`];
};

/** A secret interpolated into a script is written into the script file on the runner; pass it through env:. */
export const noSecretsInRunScripts: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) =>
    stepsOf(job).flatMap((step, index) =>
      step.run !== undefined && /\$\{\{[^}]*\bsecrets\./.test(step.run)
        ? [
            `${file.name} › ${jobId} › ${stepLabel(step, index)}: \${{ secrets.… }} inside run:; pass it in env:`,
          ]
        : [],
    ),
  );

/** xtrace prints every command with its expanded arguments into the log: tokens and ARNs included. */
export const noShellTracing: Rule = (file) =>
  jobsOf(file.workflow).flatMap(([jobId, job]) =>
    stepsOf(job).flatMap((step, index) => {
      const traced = [step.run ?? '', step.shell ?? ''].some((text) =>
        /(^|[\s;&|])(set\s+-[a-zA-Z]*x|set\s+-o\s+xtrace|bash\s+-[a-zA-Z]*x)/m.test(text),
      );
      return traced
        ? [`${file.name} › ${jobId} › ${stepLabel(step, index)}: set -x prints secrets; remove it`]
        : [];
    }),
  );

export const RULES: Readonly<Record<string, Rule>> = {
  thirdPartyActionsArePinned,
  workflowPermissionsAreReadOnly,
  jobPermissionsAreMinimal,
  onlyThePrReportWritesPullRequests,
  idTokenOnlyWhereARoleIsAssumed,
  noDependencyCacheWithCredentials,
  noPullRequestTarget,
  deployIsSerialized,
  noSecretsInRunScripts,
  noShellTracing,
};

/** The `role-duration-seconds` of every configure-aws-credentials step that assumes `roleVariable`'s role. */
export function roleDurations(file: WorkflowFile, roleVariable: string): Array<number | undefined> {
  return jobsOf(file.workflow).flatMap(([, job]) =>
    stepsOf(job)
      .filter(
        (step) =>
          step.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`) &&
          String(step.with?.['role-to-assume']).includes(`vars.${roleVariable}`),
      )
      .map((step) => {
        const seconds = step.with?.['role-duration-seconds'];
        return seconds === undefined ? undefined : Number(seconds);
      }),
  );
}
