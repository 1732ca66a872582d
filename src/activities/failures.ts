import { ApplicationFailure } from '@temporalio/activity';
import { ApiError, failureTypeOf } from '../http/api-error';
import { FAILURE, type FailureType } from '../workflow-contract';

/**
 * Turns a client error into the failure Temporal acts on: errors retrying cannot fix
 * stop at once; transient ones are retried by the activity's retry policy, after the
 * service's own Retry-After when it sent one.
 */
export function toActivityFailure(err: unknown, context?: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ApiError) {
    return ApplicationFailure.create({
      type: failureTypeOf(err.kind),
      message: context ? `${context}: ${err.message}` : err.message,
      nonRetryable: !err.retryable,
      // A Retry-After of 0 means "now": leave the delay to the retry policy.
      nextRetryDelay: err.retryable && err.details.retryAfterMs ? err.details.retryAfterMs : undefined,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  // An unknown error is most likely a bug: retrying will not fix it, but the policy's
  // attempts bound the cost, and a failure here should not hide a transient cause.
  return ApplicationFailure.create({
    type: FAILURE.Unexpected,
    message: context ? `${context}: ${message}` : message,
  });
}

export function nonRetryable(type: FailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
