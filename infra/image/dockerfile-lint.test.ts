import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintDockerfile, projectFindings } from './dockerfile-lint.ts';

const DOCKERFILE = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const DIGEST = `@sha256:${'a'.repeat(64)}`;

/** The real Dockerfile with one line replaced, so each case breaks exactly one rule. */
function withLine(search: RegExp, replacement: string): string {
  expect(DOCKERFILE).toMatch(search);
  return DOCKERFILE.replace(search, replacement);
}

describe('the Dockerfile', () => {
  it('passes the generic linter and the project rules', () => {
    expect(lintDockerfile(DOCKERFILE)).toEqual([]);
  });
});

describe('lintDockerfile catches', () => {
  it.each([
    {
      name: 'a base image pinned only by tag',
      text: withLine(/^ARG LAMBDA_NODE_IMAGE=.*$/m, 'ARG LAMBDA_NODE_IMAGE=public.ecr.aws/lambda/nodejs:22'),
      message: /not pinned: add @sha256/,
    },
    {
      name: 'a final stage on another base image',
      text: withLine(/^FROM \$\{LAMBDA_NODE_IMAGE\}$/m, `FROM node:22-slim${DIGEST}`),
      message: /must be the Lambda Node.js 22 base image/,
    },
    {
      name: 'a final-stage COPY from the build context instead of /image-context',
      text: withLine(/^CMD /m, 'COPY model/artifacts /var/task/model/artifacts\nCMD '),
      message: /COPY in the final stage: its content must come only from \/image-context/,
    },
    {
      name: 'a RUN in the final stage',
      text: withLine(/^CMD /m, 'RUN npm install\nCMD '),
      message: /RUN in the final stage/,
    },
    {
      name: 'a CMD that is not the handler of context-plan.ts',
      text: withLine(/^CMD .*$/m, 'CMD ["index.handler"]'),
      message: /CMD must be \["lambda.handler"\]/,
    },
    {
      name: 'a final stage without --enable-source-maps',
      text: withLine(/^ENV NODE_OPTIONS=.*$/m, 'ENV NODE_OPTIONS=--max-old-space-size=512'),
      message: /must set ENV NODE_OPTIONS=--enable-source-maps/,
    },
    {
      name: "a final stage that leaves the bundle's source map out",
      text: withLine(/ \/image-context\/lambda\.mjs\.map /, ' '),
      message: /must copy \/image-context\/lambda\.mjs\.map beside the handler/,
    },
    {
      name: 'an unknown instruction (generic linter)',
      text: withLine(/^CMD /m, 'COPPY a b\nCMD '),
      message: /Unknown instruction: COPPY/,
    },
    {
      name: 'a second CMD (generic linter)',
      text: `${DOCKERFILE}CMD ["lambda.handler"]\n`,
      message: /only be one CMD/,
    },
  ])('$name', ({ text, message }) => {
    const messages = lintDockerfile(text).map((finding) => finding.message);
    expect(
      messages.some((m) => message.test(m)),
      messages.join('\n'),
    ).toBe(true);
  });

  it('reports the line of the finding', () => {
    const text = `FROM alpine\nCMD ["lambda.handler"]\n`;
    expect(projectFindings(text)).toContainEqual(
      expect.objectContaining({ line: 1, message: expect.stringMatching(/not pinned/) }),
    );
  });
});
