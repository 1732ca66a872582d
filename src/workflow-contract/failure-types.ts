/**
 * Every failure type a Smart Sync activity or workflow raises, and whether retrying can
 * help. This table is the only place that says so: the clients' ApiError.retryable, the
 * activities' ApplicationFailures and the workflow's nonRetryableErrorTypes all read it.
 */
export const FAILURE_TYPES = {
  // Raised by the steps themselves.
  ContractNotSigned: { retryable: false, when: 'the contract is not signed by all parties in Oneflow' },
  ContractNotFound: { retryable: false, when: 'Oneflow has no such contract, or the token cannot see it' },
  SigningNotFound: {
    retryable: false,
    when: "the webhook's event is not a signing of this contract in Oneflow",
  },
  FetchFailed: { retryable: false, when: 'the workflow gave up fetching the contract' },
  // From an HTTP answer (see ApiError in src/http/api-error.ts).
  Unauthorized: { retryable: false, when: 'HTTP 401: bad or expired credentials' },
  Forbidden: { retryable: false, when: 'HTTP 403' },
  NotFound: { retryable: false, when: 'HTTP 404, or an Agents call answering null' },
  Conflict: { retryable: false, when: 'HTTP 409 or 412' },
  Rejected: { retryable: false, when: 'HTTP 400, 422 and other 4xx: a request or value refused' },
  InvalidResponse: { retryable: false, when: 'a 2xx whose body does not match the documented shape' },
  RateLimited: { retryable: true, when: 'HTTP 429' },
  ServerError: { retryable: true, when: 'HTTP 5xx' },
  Timeout: { retryable: true, when: 'HTTP 408, or no answer within the client timeout' },
  Network: { retryable: true, when: 'connection refused or reset, DNS failure, a dropped response' },
  // Most likely a bug; the retry policy's attempts bound what retrying it costs.
  Unexpected: { retryable: true, when: 'any other error' },
} as const satisfies Record<string, { retryable: boolean; when: string }>;

export type FailureType = keyof typeof FAILURE_TYPES;

/** The failure types as constants: `FAILURE.NotFound` rather than a bare 'NotFound'. */
export const FAILURE = Object.fromEntries(Object.keys(FAILURE_TYPES).map((t) => [t, t])) as {
  readonly [T in FailureType]: T;
};

export function isRetryableFailure(type: FailureType): boolean {
  return FAILURE_TYPES[type].retryable;
}

export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = (
  Object.keys(FAILURE_TYPES) as FailureType[]
).filter((t) => !isRetryableFailure(t));
