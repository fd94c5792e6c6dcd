/**
 * Lambda's refusals of a provisioned-concurrency rule, as the port's ProvisionedConcurrencyConflictError: PC put
 * on, resized on or removed from an alias with weights ("Alias with weights can not be used with Provisioned
 * Concurrency"), or a second PC configuration for one version (docs/release.md section 1). Lambda has no error
 * code of its own for these and does not document the words of the second, so any
 * InvalidParameterValueException whose message names provisioned concurrency is one.
 */
import { ProvisionedConcurrencyConflictError } from '../port.ts';
import { awsCallError, errorCode, type SdkErrorShape } from './aws-call.ts';

/** The conflict `error` is, with `error` as its cause; null for any other error. */
export function provisionedConcurrencyConflict(
  call: string,
  qualifier: string,
  error: unknown,
): ProvisionedConcurrencyConflictError | null {
  const message = (error as SdkErrorShape | undefined)?.message ?? '';
  if (errorCode(error) !== 'InvalidParameterValueException' || !/provisioned concurrency/i.test(message))
    return null;
  return new ProvisionedConcurrencyConflictError(qualifier, `${call}: ${message}`, { cause: error });
}

/** callAws for a call on `functionName:qualifier` whose PC-rule refusal is a ProvisionedConcurrencyConflictError. */
export async function callAwsPcRuled<T>(
  call: string,
  functionName: string,
  qualifier: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw (
      provisionedConcurrencyConflict(call, qualifier, error) ??
      awsCallError(call, `${functionName}:${qualifier}`, error)
    );
  }
}
