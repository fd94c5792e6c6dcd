/**
 * The "Infrastructure diff" section: the synthesized CloudFormation templates of the pull request's head against
 * its base, stack by stack, offline. @aws-cdk/cloudformation-diff is the library behind `cdk diff`, so the
 * resource impacts (create, update, replace, destroy, orphan) are the ones `cdk diff` would print, without a
 * CloudFormation change set and so without AWS credentials (its README: "diffTemplate/fullDiff compare two
 * CloudFormation templates"). Pure: templates in, Markdown out.
 *
 * Asset hashes: a container image URI (`...:<sha256>`) and a zip's S3 key (`<sha256>.zip`) change with every
 * change to the code they package, so every pull request would list them. They are normalised to one placeholder
 * before the diff, and the section says once how many assets changed. What a code change does to the stack
 * beyond that (the function's new Version resource) still shows.
 */
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { formatDifferences, fullDiff, ResourceImpact, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { type InfraDiffVerdict, verdictMarker } from './infra-diff-verdict.ts';

export type Template = Record<string, unknown>;
/** Stack name (the template file's name without `.template.json`) → its template. */
export type StackTemplates = ReadonlyMap<string, Template>;

/** A CDK asset's content hash: SHA-256 in hex (cdk-assets' source hash). */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;
const ASSET_HASH_PLACEHOLDER = '<asset-hash>';

/**
 * Resource types whose replacement loses something a release depends on: a new function has no versions (the
 * live alias' version is gone with the old one), a new alias has no weights, no provisioned concurrency and a
 * new ARN, a new table has no release record (the journal and the lock).
 */
export const DANGEROUS_REPLACEMENTS: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'a new function: its published versions, and the version live serves, are gone',
  'AWS::Lambda::Alias': "a new alias: live's weights and provisioned concurrency start over",
  'AWS::DynamoDB::Table': 'a new table: the release record (journal and lock) starts empty',
};

/** Wide enough for a condition block, narrow enough to read in a comment without scrolling far. */
const FORMATTED_DIFF_COLUMNS = 200;
/** The formatted diff of one stack is cut past this many characters; the counts above it stay whole. */
export const FORMATTED_DIFF_CHARACTERS = 20_000;

export interface ReplacedResource {
  logicalId: string;
  type: string;
  /** Set for DANGEROUS_REPLACEMENTS: what the replacement loses. */
  danger: string | null;
  /** MAY_REPLACE: the property's replacement is conditional. */
  conditional: boolean;
}

export interface StackDiff {
  stack: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  added: number;
  removed: number;
  changed: number;
  replaced: ReplacedResource[];
  permissionsBroadened: boolean;
  /** `cdk diff`'s text, colour codes stripped, cut at FORMATTED_DIFF_CHARACTERS. */
  formatted: string;
}

export interface InfraDiff {
  stacks: StackDiff[];
  /** Asset hashes in head that base does not have: changed code or bundled files. */
  changedAssets: number;
}

function assetHashes(template: Template): Set<string> {
  return new Set(JSON.stringify(template).match(ASSET_HASH) ?? []);
}

function withoutAssetHashes(template: Template): Template {
  return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, ASSET_HASH_PLACEHOLDER)) as Template;
}

/** formatDifferences writes to a stream; this one keeps what it is given, synchronously. */
function formatted(diff: TemplateDiff): string {
  const chunks: string[] = [];
  const sink: Writable & { columns?: number } = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  // The IAM tables wrap their cells to the stream's width; unset, they grow as wide as the longest ARN.
  sink.columns = FORMATTED_DIFF_COLUMNS;
  formatDifferences(sink, diff);
  const text = stripVTControlCharacters(chunks.join('')).trim();
  return text.length > FORMATTED_DIFF_CHARACTERS
    ? `${text.slice(0, FORMATTED_DIFF_CHARACTERS)}\n… cut at ${FORMATTED_DIFF_CHARACTERS} characters of ${text.length}; run npm run infra:diff for the rest`
    : text;
}

function stackDiff(stack: string, base: Template | undefined, head: Template | undefined): StackDiff {
  const diff = fullDiff(withoutAssetHashes(base ?? {}), withoutAssetHashes(head ?? {}));
  const result: StackDiff = {
    stack,
    status:
      base === undefined ? 'added' : head === undefined ? 'removed' : diff.isEmpty ? 'unchanged' : 'changed',
    added: 0,
    removed: 0,
    changed: 0,
    replaced: [],
    permissionsBroadened: diff.permissionsBroadened,
    formatted: diff.isEmpty ? '' : formatted(diff),
  };
  diff.resources.forEachDifference((logicalId, resource) => {
    if (resource.isAddition) result.added += 1;
    else if (resource.isRemoval) result.removed += 1;
    else if (
      resource.changeImpact === ResourceImpact.WILL_REPLACE ||
      resource.changeImpact === ResourceImpact.MAY_REPLACE
    ) {
      const type = resource.resourceType ?? 'unknown type';
      result.replaced.push({
        logicalId,
        type,
        danger: DANGEROUS_REPLACEMENTS[type] ?? null,
        conditional: resource.changeImpact === ResourceImpact.MAY_REPLACE,
      });
    } else if (resource.isDifferent) result.changed += 1;
  });
  // Dangerous ones first: they are what a reviewer must not miss.
  result.replaced.sort((a, b) => Number(b.danger !== null) - Number(a.danger !== null));
  return result;
}

export function diffInfrastructure(base: StackTemplates, head: StackTemplates): InfraDiff {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  const baseHashes = new Set([...base.values()].flatMap((template) => [...assetHashes(template)]));
  const headHashes = [...new Set([...head.values()].flatMap((template) => [...assetHashes(template)]))];
  return {
    stacks: names.map((name) => stackDiff(name, base.get(name), head.get(name))),
    changedAssets: headHashes.filter((hash) => !baseHashes.has(hash)).length,
  };
}

/**
 * What makes the diff a warning, for the headline: a removed stack, a dangerous replacement, or broadened IAM
 * permissions or trust (cloudformation-diff's permissionsBroadened: a new grant or principal a reviewer must
 * read, never just "changed").
 */
function dangersOf(diff: InfraDiff): string[] {
  const dangers: string[] = [];
  if (diff.stacks.some((stack) => stack.status === 'removed')) dangers.push('a stack is removed');
  if (diff.stacks.some((stack) => stack.replaced.some((resource) => resource.danger !== null)))
    dangers.push('a function, alias or table is replaced');
  if (diff.stacks.some((stack) => stack.permissionsBroadened))
    dangers.push('IAM permissions or trust are broadened');
  return dangers;
}

export function infraDiffVerdict(diff: InfraDiff): InfraDiffVerdict {
  if (dangersOf(diff).length > 0) return 'dangerous';
  return diff.stacks.every((stack) => stack.status === 'unchanged') ? 'unchanged' : 'changed';
}

function replacementLine(resource: ReplacedResource): string {
  const how = resource.conditional ? 'may be replaced' : 'replaced';
  return resource.danger === null
    ? `- \`${resource.logicalId}\` (${resource.type}) ${how}`
    : `- ⚠️ **\`${resource.logicalId}\` (${resource.type}) ${how}**: ${resource.danger}`;
}

function renderStack(stack: StackDiff): string[] {
  const heading = `#### \`${stack.stack}\``;
  if (stack.status === 'unchanged') return [heading, '', 'No change.'];
  const lines = [heading, ''];
  if (stack.status === 'added') lines.push('New stack.', '');
  if (stack.status === 'removed') lines.push('⚠️ **Stack removed**: `cdk deploy` no longer manages it.', '');
  lines.push(
    '| added | removed | changed | replaced |',
    '|---:|---:|---:|---:|',
    `| ${stack.added} | ${stack.removed} | ${stack.changed} | ${stack.replaced.length} |`,
  );
  if (stack.replaced.length > 0) lines.push('', 'Replaced:', ...stack.replaced.map(replacementLine));
  if (stack.permissionsBroadened) lines.push('', '⚠️ IAM permissions or trust are broadened (see the diff).');
  lines.push(
    '',
    '<details><summary>the diff (<code>cdk diff</code> format)</summary>',
    '',
    '```',
    stack.formatted,
    '```',
    '',
    '</details>',
  );
  return lines;
}

/** The section's body (the comment adds the heading). */
export function renderInfraDiff(diff: InfraDiff): string {
  const verdict = infraDiffVerdict(diff);
  const lines = [
    verdictMarker(verdict),
    verdict === 'unchanged'
      ? '✅ no infrastructure change'
      : verdict === 'dangerous'
        ? `⚠️ **${dangersOf(diff).join('; ')}**`
        : 'ℹ️ infrastructure changes',
  ];
  if (diff.changedAssets > 0) {
    lines.push(
      '',
      `${diff.changedAssets} asset${diff.changedAssets === 1 ? '' : 's'} changed (image or bundle content hash): ` +
        `expected with any code change; the hashes are normalised to \`${ASSET_HASH_PLACEHOLDER}\` below.`,
    );
  }
  for (const stack of diff.stacks) lines.push('', ...renderStack(stack));
  return `${lines.join('\n')}\n`;
}
