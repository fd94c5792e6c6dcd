/**
 * Reads the templates of a `cdk synth -o DIR` output: every `<stack>.template.json` directly in DIR (nested
 * assemblies of CDK stages are not used by this app). The edge of infra-diff.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackTemplates, Template } from './infra-diff.ts';

const TEMPLATE_SUFFIX = '.template.json';

export async function readSynthTemplates(directory: string): Promise<StackTemplates> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith(TEMPLATE_SUFFIX)).sort();
  } catch (error) {
    throw new Error(`cannot read the synth output ${directory}; pass the folder of \`cdk synth -o DIR\``, {
      cause: error,
    });
  }
  if (names.length === 0) {
    throw new Error(`${directory} holds no *${TEMPLATE_SUFFIX}; pass the folder of \`cdk synth -o DIR\``);
  }
  const templates = new Map<string, Template>();
  for (const name of names) {
    const path = join(directory, name);
    try {
      templates.set(
        name.slice(0, -TEMPLATE_SUFFIX.length),
        JSON.parse(await readFile(path, 'utf8')) as Template,
      );
    } catch (error) {
      throw new Error(`${path} is not a readable JSON template; synthesize again`, { cause: error });
    }
  }
  return templates;
}
