import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/**
 * Oneflow's error body: RFC 7807 fields served as application/json
 * (developer.oneflow.com/docs/handling-errors-with-error-codes). The generic code for a
 * status is the status followed by 0000 (4040000 for 404): Oneflow says codes ending in
 * 0000 are generic, so the emulator never invents a specific one.
 */
export interface OneflowErrorBody {
  error_code: number;
  detail: string;
  parameter_problems: Record<string, string[]>;
  request_id: string;
  status: number;
  title: string;
  type: string;
}

export function genericErrorCode(status: number): number {
  return status * 10_000;
}

/** Looks like the documented example "Bp1J…==": base64 of 16 random bytes. */
function requestId(): string {
  return randomBytes(16).toString('base64');
}

export function oneflowError(
  status: number,
  detail: string,
  parameterProblems: Record<string, string[]> = {},
): OneflowErrorBody {
  const code = genericErrorCode(status);
  return {
    error_code: code,
    detail,
    parameter_problems: parameterProblems,
    request_id: requestId(),
    status,
    title: STATUS_CODES[status] ?? 'Error',
    type: `https://api.oneflow.com/v1/error_codes/${code}`,
  };
}

/**
 * The documented 429 body, verbatim (developer.oneflow.com/reference/api-rate-limit). It
 * differs from the other errors: `info` instead of `type`, and no `request_id`.
 */
export function rateLimitBody() {
  return {
    detail: 'You have reached the 5 minute rate limit for requests. Try again in a few minutes.',
    error_code: 4290000,
    parameter_problems: {},
    status: 429,
    title: 'Too Many Requests',
    info: 'https://developer.oneflow.com/reference/api-rate-limit',
  };
}

/** Body for a status injected through the control plane's faults. */
export function injectedErrorBody(status: number): unknown {
  if (status === 429) return rateLimitBody();
  return oneflowError(status, `Injected fault: ${STATUS_CODES[status] ?? `HTTP ${status}`}.`);
}
