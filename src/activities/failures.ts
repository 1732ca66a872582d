import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { ApiError, failureTypeOf } from '../http/api-error';
import { FAILURE, type FailureType } from '../workflow-contract';

/**
 * Turns a client error into the failure Temporal acts on: errors retrying cannot fix
 * stop at once; transient ones are retried by the activity's retry policy, after the
 * service's own Retry-After when it sent one.
 */
export function toActivityFailure(
  err: unknown,
  context?: string,
  details?: unknown,
): ApplicationFailure | CancelledFailure {
  if (err instanceof ApplicationFailure) return err;
  // This attempt's own cancellation stopped a call: passed on as it is, it tells Temporal
  // the attempt was cancelled (or timed out), not that it failed.
  if (attemptCancelled() && (err instanceof CancelledFailure || isAbortError(err))) return err;
  if (err instanceof ApiError) {
    return ApplicationFailure.create({
      ...(details !== undefined ? { details: [details] } : {}),
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
    ...(details !== undefined ? { details: [details] } : {}),
    type: FAILURE.Unexpected,
    message: context ? `${context}: ${message}` : message,
  });
}

function attemptCancelled(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false; // not in an activity
  }
}

function isAbortError(err: unknown): err is CancelledFailure {
  return err instanceof Error && err.name === 'AbortError';
}

export function nonRetryable(type: FailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
