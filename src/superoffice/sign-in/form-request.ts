import { ApiError } from '../../http/api-error';

/** What a sign-in endpoint answered: the status and the body, parsed as JSON when it is JSON. */
export interface SignInAnswer {
  status: number;
  body: unknown;
}

/**
 * One call to a SuperOffice sign-in endpoint. Network failures and timeouts become retryable
 * ApiErrors; the status is left to the caller, because what a 400 means differs per endpoint.
 * `what` names the endpoint in messages; the URL's query and the body (secrets) never appear.
 */
export async function signInRequest(
  what: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<SignInAnswer> {
  const path = new URL(url).pathname;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ApiError(
      'superoffice',
      timedOut ? 'timeout' : 'network',
      `${what} (${init.method} ${path}) ${timedOut ? `timed out after ${timeoutMs} ms` : 'could not be reached'}`,
      { method: init.method, path },
    );
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text, the caller decides what to say about it.
  }
  return { status: res.status, body };
}

/** An answer that is neither success nor a refusal the caller understands: 5xx retryable, the rest not. */
export function unexpectedAnswer(what: string, method: string, url: string, answer: SignInAnswer): ApiError {
  const path = new URL(url).pathname;
  const kind = answer.status >= 500 ? 'server_error' : answer.status === 429 ? 'rate_limited' : 'rejected';
  return new ApiError('superoffice', kind, `${what} (${method} ${path}) answered ${answer.status}`, {
    method,
    path,
    status: answer.status,
  });
}
