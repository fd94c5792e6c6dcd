import { describe, expect, it } from 'vitest';
import { routableEvent, STAND_IN_HOST } from './lambda-event.ts';

const v2 = (method: string, domainName: string, body: string | null) => ({
  rawPath: '/health',
  requestContext: { domainName, http: { method } },
  headers: { host: domainName },
  body,
});
const alb = (method: string, host: string, body: string | null) => ({
  httpMethod: method,
  path: '/health',
  requestContext: { elb: { targetGroupArn: 'arn' } },
  headers: { host },
  body,
});

describe('routableEvent', () => {
  it.each([
    { name: 'a payload 2.0 POST', event: v2('POST', 'abc.lambda-url.eu-west-1.on.aws', '{}') },
    { name: 'an ALB POST', event: alb('POST', 'my-alb.elb.amazonaws.com', '{}') },
    { name: 'a GET without body', event: alb('GET', 'my-alb.elb.amazonaws.com', null) },
  ])('leaves $name untouched', ({ event }) => {
    expect(routableEvent(event)).toBe(event);
  });

  it.each([
    { name: 'payload 2.0 GET', event: v2('GET', 'example.com', 'Test') },
    { name: 'ALB GET', event: alb('GET', 'example.com', 'Test') },
    { name: 'ALB HEAD (lower case)', event: alb('head', 'example.com', 'Test') },
  ])('drops the body of a $name', ({ event }) => {
    expect(routableEvent(event)).toEqual({ ...event, body: null });
  });

  it('swaps a payload 2.0 domain name the URL parser refuses, keeping the rest', () => {
    const event = v2('POST', '<url-id>.lambda-url.us-west-2.on.aws', '{}');
    const routable = routableEvent(event);
    expect(routable.requestContext).toEqual({ domainName: STAND_IN_HOST, http: { method: 'POST' } });
    expect(routable.body).toBe('{}');
    expect(event.requestContext.domainName).toBe('<url-id>.lambda-url.us-west-2.on.aws');
  });

  it('swaps an ALB Host header the URL parser refuses', () => {
    expect(routableEvent(alb('POST', 'bad host', '{}')).headers).toEqual({ host: STAND_IN_HOST });
  });

  it('swaps a refused host in multi-value headers', () => {
    const event = { httpMethod: 'POST', requestContext: { elb: {} }, multiValueHeaders: { host: ['a b'] } };
    expect(routableEvent(event).multiValueHeaders).toEqual({ host: [STAND_IN_HOST] });
  });
});
