import { FAILURE, type FailureType, isRetryableFailure } from '../workflow-contract';

/**
 * The one error type the Oneflow and SuperOffice clients throw. `retryable` is the
 * answer to the only question a caller (a Temporal activity) has to ask: can trying
 * again help? Activities turn a non-retryable ApiError into a non-retryable
 * ApplicationFailure so Temporal stops at once instead of backing off for hours.
 */
export type ApiService = 'oneflow' | 'superoffice';

export type ApiErrorKind =
  | 'unauthorized' // 401: bad or expired credentials
  | 'forbidden' // 403
  | 'not_found' // 404, or an Agents call answering 200 with null
  | 'conflict' // 409 (a JSON Patch test failed), 412
  | 'rejected' // 400, 422 and other 4xx: the request or a value was refused
  | 'rate_limited' // 429
  | 'server_error' // 5xx
  | 'timeout'
  | 'network' // connection refused or reset, DNS failure, a dropped response
  | 'invalid_response'; // a 2xx whose body did not match the documented shape

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly service: ApiService,
    readonly kind: ApiErrorKind,
    message: string,
    readonly details: {
      status?: number;
      method?: string;
      /** Path only: never the query string or headers, which may carry secrets. */
      path?: string;
      /** The service's own error code or type, e.g. SoNotFoundException or 4040000. */
      code?: string;
      /** From a Retry-After header, when the service sent one. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return isRetryableKind(this.kind);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** The Temporal failure type each kind of error becomes; FAILURE_TYPES says which are retryable. */
const FAILURE_TYPE_OF_KIND: Record<ApiErrorKind, FailureType> = {
  unauthorized: FAILURE.Unauthorized,
  forbidden: FAILURE.Forbidden,
  not_found: FAILURE.NotFound,
  conflict: FAILURE.Conflict,
  rejected: FAILURE.Rejected,
  rate_limited: FAILURE.RateLimited,
  server_error: FAILURE.ServerError,
  timeout: FAILURE.Timeout,
  network: FAILURE.Network,
  invalid_response: FAILURE.InvalidResponse,
};

export function failureTypeOf(kind: ApiErrorKind): FailureType {
  return FAILURE_TYPE_OF_KIND[kind];
}

/** 401 is not retried: a token does not fix itself, and retrying hides the cause for hours. */
export function isRetryableKind(kind: ApiErrorKind): boolean {
  return isRetryableFailure(failureTypeOf(kind));
}

export function kindForStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'rejected';
}

/** Retry-After is either delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
