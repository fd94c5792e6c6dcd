/**
 * The answer a custom resource PUTs to CloudFormation's pre-signed ResponseURL, kept within the size CloudFormation
 * accepts: the whole response body is limited to 4,096 bytes (CloudFormation User Guide, "Custom resource response
 * objects"); a bigger one is rejected, and the stack then waits for an answer until the resource times out.
 */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export const MAX_RESPONSE_BYTES = 4_096;
const CUT_MARK = '…';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * The response with its Reason cut, at a character boundary, so that the serialized body fits in `maxBytes` UTF-8
 * bytes; a Reason that fits is left whole. Each character is counted as JSON writes it (a quote or a newline takes
 * two bytes, `→` three), so the cut holds for the body actually sent.
 */
export function fitReason(
  response: CustomResourceResponse,
  maxBytes: number = MAX_RESPONSE_BYTES,
): CustomResourceResponse {
  const reason = response.Reason;
  if (reason === undefined || jsonBytes(response) <= maxBytes) return response;
  // jsonBytes of a string counts its two quotes; the body already has Reason's.
  const room = maxBytes - jsonBytes({ ...response, Reason: '' }) - (jsonBytes(CUT_MARK) - 2);
  if (room < 0) {
    throw new Error(
      `the ${response.Status} response for ${response.LogicalResourceId} is over ${maxBytes} bytes without its reason`,
    );
  }
  let kept = '';
  let used = 0;
  for (const character of reason) {
    const bytes = jsonBytes(character) - 2;
    if (used + bytes > room) break;
    kept += character;
    used += bytes;
  }
  return { ...response, Reason: `${kept}${CUT_MARK}` };
}
