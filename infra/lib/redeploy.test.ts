import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME } from './names.ts';
import {
  cfnText,
  onlyResource,
  REPO_ROOT,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synthesize,
} from './testing/synth.ts';

type Resources = Record<string, { Type: string; Properties?: unknown }>;

/** A build context whose content (and so image digest) differs per deploy: what a new commit looks like. */
function imageContext(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shiftgate-image-'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    `${readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')}# ${revision}\n`,
  );
  return dir;
}

/**
 * Two deploys in a row, as CloudFormation sees them: the second template is diffed against the first. Whatever
 * a release did to `live` in between (weights, version, scaled provisioned concurrency) lives outside these
 * templates, so it survives unless the diff touches a resource that owns it.
 */
describe('a second deploy after a release', () => {
  const dirs: string[] = [];
  let first: Synthesized;
  let second: Synthesized;
  beforeAll(() => {
    dirs.push(imageContext('commit-1'), imageContext('commit-2'));
    first = synthesize({}, dirs[0]);
    second = synthesize({}, dirs[1]);
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => {
    for (const dir of [...dirs, first.outdir, second.outdir]) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a new version', () => {
    const before = onlyResource(first.service, 'AWS::Lambda::Version').id;
    const after = onlyResource(second.service, 'AWS::Lambda::Version').id;
    expect(after).not.toBe(before);
  });

  it('changes only the function code, the version and the kept-alias resources (live, pretraffic)', () => {
    const a = first.service.toJSON().Resources as Resources;
    const b = second.service.toJSON().Resources as Resources;
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((id) => JSON.stringify(a[id]) !== JSON.stringify(b[id]))
      .map((id) => (a[id] ?? b[id])?.Type)
      .sort();
    // The version appears twice: the old one leaves the template (and is retained), the new one is added.
    expect(changed).toEqual([
      'AWS::Lambda::Function',
      'AWS::Lambda::Version',
      'AWS::Lambda::Version',
      'Custom::KeptAlias',
      'Custom::KeptAlias',
    ]);
  });

  it("changes the kept aliases' DeployedVersion alone: an update that finds the alias leaves it where it is", () => {
    const kept = (synth: Synthesized) =>
      Object.values(synth.service.findResources('Custom::KeptAlias')).map(
        (resource) => resource.Properties as Record<string, unknown>,
      );
    const [before, after] = [kept(first), kept(second)];
    expect(after.map((p) => p.AliasName)).toEqual([LIVE_ALIAS_NAME, PRETRAFFIC_ALIAS_NAME]);
    after.forEach((properties, index) => {
      const { DeployedVersion: newVersion, ...rest } = properties;
      const { DeployedVersion: oldVersion, ...restBefore } = before[index] as Record<string, unknown>;
      expect(rest).toEqual(restBefore);
      expect(cfnText(newVersion)).not.toBe(cfnText(oldVersion));
    });
  });

  it('leaves the provisioned-concurrency target, its scaling policy and the Function URL untouched', () => {
    for (const type of [
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      'AWS::Lambda::Url',
    ]) {
      expect(second.service.findResources(type)).toEqual(first.service.findResources(type));
    }
  });
});
