import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DANGEROUS_REPLACEMENTS,
  diffInfrastructure,
  FORMATTED_DIFF_CHARACTERS,
  infraDiffVerdict,
  renderInfraDiff,
  type StackTemplates,
  type Template,
} from './infra-diff.ts';
import { infraDiffVerdictOf } from './infra-diff-verdict.ts';
import { readSynthTemplates } from './synth-templates.ts';

/** Two real `npm run synth` outputs, trimmed to the resources that differ (pipeline/fixtures/README.md). */
const SYNTH = fileURLToPath(new URL('../fixtures/synth/', import.meta.url));
let base: StackTemplates;
let head: StackTemplates;

beforeAll(async () => {
  [base, head] = await Promise.all([readSynthTemplates(`${SYNTH}base`), readSynthTemplates(`${SYNTH}head`)]);
});

const DEV = 'Shiftgate-dev';
const devOf = (templates: StackTemplates) => structuredClone(templates.get(DEV)) as Template;
type Resources = Record<string, { Properties: Record<string, unknown> }>;
const resourcesOf = (template: Template) => template.Resources as Resources;

describe('diffInfrastructure on two real synth outputs', () => {
  it('counts what the release-table commit added, removed and changed, stack by stack', () => {
    const diff = diffInfrastructure(base, head);

    expect(diff.stacks.map(({ stack, status }) => ({ stack, status }))).toEqual([
      { stack: DEV, status: 'changed' },
      { stack: 'ShiftgateGithubOidc', status: 'unchanged' },
    ]);
    // Table, pretraffic alias (custom resource, policy, URL) and the new Version; the old Version is orphaned.
    expect(diff.stacks[0]).toMatchObject({
      added: 5,
      removed: 1,
      changed: 3,
      replaced: [],
      permissionsBroadened: true,
    });
    // The pretraffic alias's custom resource policy grants new IAM actions: a warning, never just "changed".
    expect(infraDiffVerdict(diff)).toBe('dangerous');
    expect(renderInfraDiff(diff)).toMatch(/^.*\n⚠️ \*\*IAM permissions or trust are broadened\*\*\n/);
  });

  it('normalises asset hashes and says once how many assets changed', () => {
    const diff = diffInfrastructure(base, head);
    const markdown = renderInfraDiff(diff);

    expect(diff.changedAssets).toBe(2);
    expect(markdown).toContain('2 assets changed');
    expect(markdown).not.toMatch(/[0-9a-f]{64}/);
    // Only the image changed in the function: with its hash normalised, its Code is no difference.
    expect(diff.stacks[0]?.formatted).not.toContain('[~] AWS::Lambda::Function PredictorFunction');
  });

  it('renders counts, then the cdk diff text without colour codes in a collapsed block', () => {
    const markdown = renderInfraDiff(diffInfrastructure(base, head));

    expect(markdown).toContain('| 5 | 1 | 3 | 0 |');
    expect(markdown).toContain('<details><summary>the diff');
    expect(markdown).toContain('[+] AWS::DynamoDB::Table ReleaseRecordTable');
    expect(markdown).toContain('#### `ShiftgateGithubOidc`\n\nNo change.');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI escape is what must be gone
    expect(markdown).not.toMatch(/\u001b\[/);
  });
});

describe('replacements', () => {
  it('calls a replaced function out first, as dangerous', () => {
    const renamed = devOf(head);
    const resources = resourcesOf(renamed);
    // Both need replacement (CloudFormation: FunctionName and Url Qualifier are "Replacement: Required").
    (resources.PretrafficFunctionUrl08A7AF50 as Resources[string]).Properties.Qualifier = 'other';
    (resources.PredictorFunction0E45C373 as Resources[string]).Properties.FunctionName = 'renamed';

    const diff = diffInfrastructure(head, new Map([...head, [DEV, renamed]]));

    expect(diff.stacks[0]?.replaced).toEqual([
      {
        logicalId: 'PredictorFunction0E45C373',
        type: 'AWS::Lambda::Function',
        danger: DANGEROUS_REPLACEMENTS['AWS::Lambda::Function'],
        conditional: false,
      },
      // The Version follows the function it belongs to.
      {
        logicalId: 'PredictorFunctionCurrentVersion3FECE839ce089c50559c22877d3c9544c4be50e8',
        type: 'AWS::Lambda::Version',
        danger: null,
        conditional: false,
      },
      {
        logicalId: 'PretrafficFunctionUrl08A7AF50',
        type: 'AWS::Lambda::Url',
        danger: null,
        conditional: false,
      },
    ]);
    expect(infraDiffVerdict(diff)).toBe('dangerous');
    expect(renderInfraDiff(diff)).toMatch(
      /Replaced:\n- ⚠️ \*\*`PredictorFunction0E45C373` \(AWS::Lambda::Function\) replaced\*\*: a new function: .*\n- `PredictorFunctionCurrentVersion/,
    );
  });
});

describe('stacks added and removed', () => {
  it('says a stack is new, or removed (dangerous)', () => {
    const diff = diffInfrastructure(
      new Map([[DEV, devOf(head)]]),
      new Map([['ShiftgateGithubOidc', head.get('ShiftgateGithubOidc') as Template]]),
    );

    expect(diff.stacks.map(({ stack, status }) => ({ stack, status }))).toEqual([
      { stack: DEV, status: 'removed' },
      { stack: 'ShiftgateGithubOidc', status: 'added' },
    ]);
    expect(infraDiffVerdict(diff)).toBe('dangerous');
    const markdown = renderInfraDiff(diff);
    expect(markdown).toContain('⚠️ **Stack removed**');
    expect(markdown).toContain('New stack.');
  });

  it('reports no change for identical outputs', () => {
    const diff = diffInfrastructure(head, head);

    expect(infraDiffVerdict(diff)).toBe('unchanged');
    expect(renderInfraDiff(diff)).toMatch(
      /^<!-- shiftgate-infra-diff verdict=unchanged -->\n✅ no infrastructure change\n/,
    );
  });
});

/** head with the dev function's memory raised: a change that broadens nothing. */
function withMoreMemory(templates: StackTemplates): StackTemplates {
  const dev = devOf(templates);
  const resources = resourcesOf(dev);
  const [functionId] = Object.keys(resources).filter((id) => id.startsWith('PredictorFunction0'));
  const properties = resources[functionId ?? '']?.Properties;
  if (properties === undefined) throw new Error('the fixture has no PredictorFunction');
  properties.MemorySize = 4096;
  return new Map([...templates, [DEV, dev]]);
}

it('calls a change that broadens no permission just a change', () => {
  const diff = diffInfrastructure(head, withMoreMemory(head));

  expect(diff.stacks[0]).toMatchObject({ status: 'changed', permissionsBroadened: false });
  expect(infraDiffVerdict(diff)).toBe('changed');
});

it.each(['unchanged', 'changed', 'dangerous'] as const)('reads back the %s verdict it wrote', (verdict) => {
  const diffs = {
    unchanged: diffInfrastructure(head, head),
    changed: diffInfrastructure(head, withMoreMemory(head)),
    dangerous: diffInfrastructure(head, new Map()),
  };

  expect(infraDiffVerdictOf(renderInfraDiff(diffs[verdict]))).toBe(verdict);
});

it('reads no verdict from Markdown it did not write', () => {
  expect(infraDiffVerdictOf('# some diff\n<!-- shiftgate-infra-diff verdict=fine -->')).toBeNull();
});

it('cuts a long formatted diff and says where', () => {
  const topics = Object.fromEntries(
    Array.from({ length: 1000 }, (_, index) => [
      `Topic${index}`,
      { Type: 'AWS::SNS::Topic', Properties: {} },
    ]),
  );
  const diff = diffInfrastructure(
    new Map([['Big', { Resources: {} }]]),
    new Map([['Big', { Resources: topics }]]),
  );

  expect(diff.stacks[0]?.added).toBe(1000);
  expect(diff.stacks[0]?.formatted).toMatch(
    new RegExp(`… cut at ${FORMATTED_DIFF_CHARACTERS} characters of \\d+`),
  );
  expect(diff.stacks[0]?.formatted.length).toBeLessThan(FORMATTED_DIFF_CHARACTERS + 200);
});

describe('readSynthTemplates', () => {
  it.each([
    [
      'a missing folder',
      '/nonexistent/cdk.out',
      /^cannot read the synth output \/nonexistent\/cdk\.out; pass the folder of `cdk synth -o DIR`$/,
    ],
    [
      'a folder without templates',
      fileURLToPath(new URL('.', import.meta.url)),
      /holds no \*\.template\.json; pass the folder of `cdk synth -o DIR`$/,
    ],
  ])('refuses %s, naming it', async (_, directory, message) => {
    await expect(readSynthTemplates(directory)).rejects.toThrow(message);
  });
});
