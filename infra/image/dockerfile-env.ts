/**
 * The environment the Dockerfile's final stage sets with `ENV`, as Lambda gives it to a function run from the
 * image (the image config's Env). Parsed with dockerfile-ast, the parser inside dockerfile-utils (which
 * dockerfile-lint.ts runs), so quoting, escapes and line continuations read as Docker reads them.
 *
 * Only what can be read exactly is read: `ENV NAME=value` with one or more pairs. Docker expands `$VAR` in a
 * value from the build's ARGs and the base image's own ENV, neither of which is in this file, and a final stage
 * built FROM an earlier stage inherits that stage's ENV; both are refused rather than guessed, as is the legacy
 * `ENV NAME value` form.
 */
import { DockerfileParser, type Property } from 'dockerfile-ast';

/** A `$` not escaped by a backslash: Docker would substitute a variable there. */
const VARIABLE_REFERENCE = /(^|[^\\])\$/;

function problemsOf(property: Property, line: number): string[] {
  const name = property.getName();
  const raw = property.getUnescapedValue() ?? '';
  if (property.getAssignmentOperator() === null) {
    return [`line ${line}: ENV ${name} ${raw} is the legacy NAME value form: write ENV ${name}=<value>`];
  }
  if (VARIABLE_REFERENCE.test(raw)) {
    return [
      `line ${line}: ENV ${name}=${raw} refers to a variable, which Docker substitutes from the build's ARGs ` +
        `and the base image's ENV: write the value out, or escape the $ as \\$ if it is literal`,
    ];
  }
  return [];
}

/**
 * The final stage's ENV, in order (a later ENV of a name replaces an earlier one, as in Docker). Throws one
 * error listing every ENV it cannot read, with its line and the form to write instead.
 */
export function finalStageEnv(dockerfile: string): Record<string, string> {
  const parsed = DockerfileParser.parse(dockerfile);
  const froms = parsed.getFROMs();
  const final = froms.at(-1);
  if (final === undefined) {
    throw new Error('the Dockerfile has no FROM instruction: it has no final stage to read ENV from');
  }
  const finalLine = final.getRange().start.line;
  const stageNames = new Set(froms.slice(0, -1).map((from) => from.getBuildStage()));
  const base = final.getImageName();
  if (base !== null && stageNames.has(base)) {
    throw new Error(
      `line ${finalLine + 1}: the final stage is built FROM stage ${base} and inherits its ENV, which this ` +
        'parser does not follow: start the final stage from an image, or set every ENV in the final stage',
    );
  }
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const instruction of parsed.getENVs()) {
    const line = instruction.getRange().start.line;
    if (line < finalLine) continue;
    const properties = instruction.getProperties();
    if (properties.length === 0)
      problems.push(`line ${line + 1}: ENV without NAME=value: write ENV NAME=value`);
    for (const property of properties) {
      const found = problemsOf(property, line + 1);
      problems.push(...found);
      if (found.length === 0) env[property.getName()] = property.getValue() ?? '';
    }
  }
  if (problems.length > 0) {
    throw new Error(`cannot read the final stage's ENV of the Dockerfile: ${problems.join('; ')}`);
  }
  return env;
}
