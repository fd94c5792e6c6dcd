import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../infra/lib/names.ts';
import { githubOutputLines, releaseStepOutputs, stackOutputs } from './stack-outputs.ts';

const STACK = 'Shiftgate-prod';
const OUTPUTS = {
  [OUTPUT_KEYS.functionName]: 'Shiftgate-prod-Predictor-abc',
  [OUTPUT_KEYS.publishedVersion]: '7',
  [OUTPUT_KEYS.releaseTableName]: 'Shiftgate-prod-Releases',
  [OUTPUT_KEYS.pageAlarmNames]: 'shiftgate-prod-availability-page,shiftgate-prod-latency-p95-page',
};

describe('stackOutputs', () => {
  it('reads the stack from a cdk deploy --outputs-file', () => {
    expect(stackOutputs({ ShiftgateGithubOidc: {}, [STACK]: OUTPUTS }, STACK)).toEqual(OUTPUTS);
  });

  it('reads the stack from a describe-stacks answer', () => {
    const described = {
      Stacks: [
        {
          StackName: STACK,
          Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
    expect(stackOutputs(described, STACK)).toEqual(OUTPUTS);
  });

  it.each([
    [
      'a cdk outputs file without the stack',
      { ShiftgateGithubOidc: {} },
      /no stack "Shiftgate-prod".*ShiftgateGithubOidc/,
    ],
    [
      'a describe-stacks answer without the stack',
      { Stacks: [] },
      /no stack "Shiftgate-prod" \(it has: none\)/,
    ],
    ['anything else', ['not', 'outputs'], /neither a cdk --outputs-file nor a describe-stacks answer/],
  ])('names the problem for %s', (_case, document, message) => {
    expect(() => stackOutputs(document, STACK)).toThrow(message);
  });
});

describe('releaseStepOutputs', () => {
  it("gives the release action its inputs and the environment the live alias's console page", () => {
    expect(releaseStepOutputs(OUTPUTS, STACK, 'eu-west-1')).toEqual({
      'function-name': 'Shiftgate-prod-Predictor-abc',
      candidate: '7',
      'record-table': 'Shiftgate-prod-Releases',
      'page-alarms': 'shiftgate-prod-availability-page,shiftgate-prod-latency-p95-page',
      'console-url':
        'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/Shiftgate-prod-Predictor-abc/aliases/live',
    });
  });

  it('names the missing output and the stack', () => {
    const { [OUTPUT_KEYS.publishedVersion]: _dropped, ...withoutVersion } = OUTPUTS;
    expect(() => releaseStepOutputs(withoutVersion, STACK, 'eu-west-1')).toThrow(
      'stack Shiftgate-prod has no output PublishedVersion',
    );
  });
});

describe('githubOutputLines', () => {
  it('writes one key=value line per output', () => {
    expect(githubOutputLines({ candidate: '7', 'function-name': 'fn' })).toBe(
      'candidate=7\nfunction-name=fn\n',
    );
  });

  it('refuses a value that would spill into the next output', () => {
    expect(() => githubOutputLines({ candidate: '7\nfunction-name=evil' })).toThrow(
      'output candidate spans lines',
    );
  });
});
