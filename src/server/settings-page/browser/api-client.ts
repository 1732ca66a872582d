/// <reference lib="dom" />
import type { PageState } from './page-state';
import { forgetAdminToken, readAdminToken } from './token-storage';

/** The admin API refused a call, or did not answer (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The API's list of what is wrong, e.g. each invalid part of a mapping document. */
    readonly errors: string[] = [],
  ) {
    super(message);
  }
}

/** The token was missing or refused; the token screen is showing. */
export class SignedOut extends Error {}

export interface ApiResponse<T> {
  body: T;
  etag: string | null;
}

export type AdminApi = <T>(
  method: string,
  path: string,
  options?: { body?: unknown; headers?: Record<string, string> },
) => Promise<ApiResponse<T>>;

/**
 * Calls the admin API with the admin's token. Without a token, or when the API refuses
 * it, `onSignedOut` shows the token screen before the call fails with SignedOut, so that
 * every caller can simply give up on SignedOut.
 */
export function createAdminApi(deps: { state: PageState; onSignedOut: (message: string) => void }): AdminApi {
  return async function api<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const token = readAdminToken(deps.state);
    if (!token) {
      deps.onSignedOut('');
      throw new SignedOut();
    }
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { ...headers, ...options.headers },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('Smart Sync did not answer: is the service running?', 0);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status === 401) {
      forgetAdminToken(deps.state);
      deps.onSignedOut('That admin token was not accepted. Check SMART_SYNC_ADMIN_TOKEN and enter it again.');
      throw new SignedOut();
    }
    if (!res.ok) {
      const problem = (body ?? {}) as { error?: unknown; errors?: unknown };
      throw new ApiError(
        typeof problem.error === 'string'
          ? problem.error
          : `Smart Sync answered ${res.status} ${res.statusText}`,
        res.status,
        Array.isArray(problem.errors) ? problem.errors.map(String) : [],
      );
    }
    return { body: body as T, etag: res.headers.get('ETag') };
  };
}
