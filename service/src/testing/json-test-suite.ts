import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** nst/JSONTestSuite's parser corpus (test/fixtures/jsontestsuite, MIT): 318 bodies. */
const CORPUS = fileURLToPath(new URL('../../../test/fixtures/jsontestsuite/test_parsing/', import.meta.url));

export function jsonTestSuiteCases(): { name: string; bytes: Buffer }[] {
  return readdirSync(CORPUS)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(CORPUS, name)) }));
}
