import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readAppConfig } from '../../config/app-config.ts';
import { addShiftgateStacks, type ShiftgateStacks } from '../shiftgate-app.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Not cdk.json's placeholder, which synth refuses (app-config.ts). */
export const TEST_CONTEXT = { stage: 'prod', githubRepository: 'acme-ml/shiftgate' } as const;
/** Synthesis takes 3-20 s depending on machine load; hooks that synthesize get this much. */
export const SYNTH_TIMEOUT_MS = 120_000;

export const TEST_ENV = { account: '123456789012', region: 'ap-northeast-1' } as const;

/** Every object key anywhere under the template's resources, e.g. to prove a property is never set. */
export function propertyKeys(template: Template): Set<string> {
  const keys = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        keys.add(key);
        visit(child);
      }
    }
  };
  visit(template.toJSON().Resources);
  return keys;
}

export interface Synthesized {
  readonly stacks: ShiftgateStacks;
  readonly assembly: CloudAssembly;
  readonly service: Template;
  readonly oidc: Template;
  /** The temp cloud assembly folder; remove it when done. */
  readonly outdir: string;
}

/**
 * Synthesizes the app exactly as bin/app.ts does (cdk-nag included: synth throws on any unacknowledged finding),
 * into a fresh temp folder.
 */
export function synthesize(
  context: Record<string, string> = {},
  imageContextDir: string = REPO_ROOT,
  /** Changes the stacks before synth, e.g. to prove cdk-nag rejects what it should. */
  extend: (stacks: ShiftgateStacks) => void = () => {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'shiftgate-cdk-'));
  const app = new App({ outdir });
  const merged: Record<string, string> = { ...TEST_CONTEXT, ...context };
  const config = readAppConfig((key) => merged[key]);
  const stacks = addShiftgateStacks(app, config, TEST_ENV, imageContextDir);
  extend(stacks);
  let assembly: CloudAssembly;
  try {
    assembly = app.synth();
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  return {
    outdir,
    stacks,
    assembly,
    service: Template.fromJSON(assembly.getStackByName(stacks.service.stackName).template),
    oidc: Template.fromJSON(assembly.getStackByName(stacks.oidc.stackName).template),
  };
}

/** Flattens a CloudFormation value to text, writing each intrinsic as `{Ref:X}` / `{X.Attr}`, for reading JSON. */
export function cfnText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(cfnText).join(separator);
    }
    if ('Ref' in record) return `{Ref:${String(record.Ref)}}`;
    if ('Fn::GetAtt' in record) return `{${(record['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  throw new Error(`cfnText: unsupported value ${JSON.stringify(value)}`);
}

/** The single resource of `type` in the template, with its logical id; fails if there is not exactly one. */
export function onlyResource(
  template: Template,
  type: string,
  properties?: Record<string, unknown>,
): { id: string; resource: { Properties: Record<string, unknown>; [key: string]: unknown } } {
  const entries = Object.entries(template.findResources(type, properties && { Properties: properties }));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  const [id, resource] = entries[0] as [string, { Properties: Record<string, unknown> }];
  return { id, resource };
}
