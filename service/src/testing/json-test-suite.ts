import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** nst/JSONTestSuite's parser corpus (../shared/fixtures/jsontestsuite, beside the clone): 318 bodies. */
const CORPUS = fileURLToPath(
  new URL('../../../../shared/fixtures/jsontestsuite/test_parsing/', import.meta.url),
);

export function jsonTestSuiteCases(): { name: string; bytes: Buffer }[] {
  return readdirSync(CORPUS)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(CORPUS, name)) }));
}
