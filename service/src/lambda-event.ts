/**
 * Lambda envelopes carry two things fetch's Request refuses but HTTP tolerates; left as they are, the
 * adapter answers them with a plain-text error before the app sees the request. Both are made harmless here,
 * at the edge, so every request reaches the app's routing and its problem+json answers.
 */

type Headers = Record<string, string | undefined>;
type MultiValueHeaders = Record<string, string[] | undefined>;

interface HttpEnvelope {
  body?: string | null;
  httpMethod?: string;
  headers?: Headers | null;
  multiValueHeaders?: MultiValueHeaders | null;
  requestContext?: { domainName?: string; http?: { method?: string } } | object;
}

/** RFC 2606 reserves .invalid: a name that parses and can never be mistaken for a real host. */
export const STAND_IN_HOST = 'unparsable-host.invalid';

const hostParses = (host: string) => URL.canParse(`https://${host}/`);

function methodOf(event: HttpEnvelope): string | undefined {
  const context = event.requestContext as { http?: { method?: string } } | undefined;
  return (event.httpMethod ?? context?.http?.method)?.toUpperCase();
}

/** A GET or HEAD body means nothing (RFC 9110), yet an ALB forwards one and fetch refuses to carry it. */
function withoutBodilessMethodBody(event: HttpEnvelope): HttpEnvelope {
  const method = methodOf(event);
  return (method === 'GET' || method === 'HEAD') && event.body ? { ...event, body: null } : event;
}

/**
 * The request URL is built from the domain name (payload 2.0) or the Host header (ALB). The app routes on the
 * path alone, so a host the URL parser refuses (a placeholder, a forged Host) is swapped for a stand-in.
 */
function withParsableHost(event: HttpEnvelope): HttpEnvelope {
  const context = event.requestContext as { domainName?: string } | undefined;
  if (context && typeof context.domainName === 'string') {
    if (hostParses(context.domainName)) return event;
    return { ...event, requestContext: { ...context, domainName: STAND_IN_HOST } };
  }
  const host = event.headers?.host;
  const multiValueHost = event.multiValueHeaders?.host;
  const badHost = host !== undefined && !hostParses(host);
  const badMultiValueHost = multiValueHost !== undefined && !multiValueHost.every(hostParses);
  if (!badHost && !badMultiValueHost) return event;
  return {
    ...event,
    ...(badHost ? { headers: { ...event.headers, host: STAND_IN_HOST } } : {}),
    ...(badMultiValueHost
      ? { multiValueHeaders: { ...event.multiValueHeaders, host: [STAND_IN_HOST] } }
      : {}),
  };
}

/** Any envelope in, the same envelope out, changed only where fetch would refuse it. */
export function routableEvent<E extends object>(event: E): E {
  return withParsableHost(withoutBodilessMethodBody(event as HttpEnvelope)) as E;
}
