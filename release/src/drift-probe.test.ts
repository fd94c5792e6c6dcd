import { describe, expect, it } from 'vitest';
import { askVersion } from './drift-probe.ts';

/** A fetch that answers from a table by body, and records what it was sent. */
function fakeFetch(answer: (body: string) => Response | Error) {
  const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    const body = String(init.body);
    sent.push({ url: String(url), headers: init.headers as Record<string, string>, body });
    const answered = answer(body);
    if (answered instanceof Error) throw answered;
    return answered;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}

describe('askVersion', () => {
  it("POSTs each body to the version's /predict in order and keeps each answer as it came", async () => {
    const { fetch, sent } = fakeFetch((body) =>
      body === '"bad"'
        ? new Response('{"title":"invalid"}', { status: 400 })
        : body === '"text"'
          ? new Response('not json', { status: 502 })
          : new Response('{"annualKwh":1}', { status: 200 }),
    );
    const answers = await askVersion('http://v2.test/', ['"a"', '"bad"', '"text"'], { fetch });
    expect(sent.map((request) => [request.url, request.body])).toEqual([
      ['http://v2.test/predict', '"a"'],
      ['http://v2.test/predict', '"bad"'],
      ['http://v2.test/predict', '"text"'],
    ]);
    expect(answers).toEqual([
      { status: 200, body: { annualKwh: 1 } },
      { status: 400, body: { title: 'invalid' } },
      { status: 502, body: 'not json' },
    ]);
  });

  it('answers a transport failure with its description, and goes on', async () => {
    const { fetch } = fakeFetch((body) =>
      body === '"a"' ? new Error('connect ECONNREFUSED') : new Response('{}', { status: 200 }),
    );
    expect(await askVersion('http://v2.test', ['"a"', '"b"'], { fetch })).toEqual([
      { error: 'connect ECONNREFUSED' },
      { status: 200, body: {} },
    ]);
  });

  it('signs each request with the headers the signer returns', async () => {
    const { fetch, sent } = fakeFetch(() => new Response('{}', { status: 200 }));
    const sign = async ({ body, headers }: { body: string; headers: Record<string, string> }) => ({
      ...headers,
      authorization: `signed ${body}`,
    });
    await askVersion('https://abc.lambda-url.ap-northeast-1.on.aws', ['"a"'], { fetch, sign });
    expect(sent[0]?.headers).toEqual({ 'content-type': 'application/json', authorization: 'signed "a"' });
  });
});
