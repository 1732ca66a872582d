import { z } from 'zod';
import { ApiError } from '../../http/api-error';
import { credentialOf, type SuperOfficeCredentials } from './credentials';
import { signInRequest, unexpectedAnswer } from './form-request';

export interface RefreshTokenOptions {
  /** e.g. https://sod.superoffice.com/login (the environment's sign-in host, never a numbered one). */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Per token request; default 10 s. */
  timeoutMs?: number;
  /** For tests. */
  now?: () => number;
}

/** Told to the administrator whenever SuperOffice refuses the refresh token. */
export const RECONNECT_MESSAGE =
  'SuperOffice refused the refresh token (invalid_grant): the consent was revoked or the sign-in expired. ' +
  'An administrator must reconnect Smart Sync to SuperOffice and set the new SUPEROFFICE_REFRESH_TOKEN.';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** SuperOffice documents 3600 s, and 20 minutes elsewhere; without expires_in the shorter is assumed. */
const DEFAULT_LIFETIME_S = 20 * 60;
/** Refreshed this long before expiry (at most a tenth of the lifetime), so no call goes out with a dying token. */
const MAX_MARGIN_MS = 60_000;

/**
 * OAuth refresh-token grant against `${loginUrl}/common/oauth/tokens`. One instance serves every
 * worker of the process: the access token is cached until shortly before it expires, and
 * however many callers need a new one at the same moment, one request fetches it.
 * SuperOffice's refresh answer carries no new refresh token, so the configured one is kept.
 */
export class RefreshTokenCredentials implements SuperOfficeCredentials {
  private current: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;
  /** How many token requests were sent; for tests and metrics. */
  refreshCount = 0;

  constructor(private readonly options: RefreshTokenOptions) {
    this.now = options.now ?? Date.now;
  }

  async headers(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.accessToken()}` };
  }

  async onUnauthorized(refused: Record<string, string>): Promise<boolean> {
    // Only the first caller refused with the cached token drops it; the others, refused with
    // the same token, find the new one (or the refresh in flight) and do not start another.
    if (this.current && credentialOf(refused) === this.current.token) this.current = undefined;
    return true;
  }

  secrets(): string[] {
    return [this.options.clientSecret, this.options.refreshToken, this.current?.token ?? ''].filter(
      (s) => s.length >= 4,
    );
  }

  async accessToken(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return this.current.token;
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<string> {
    const { loginUrl, clientId, clientSecret, refreshToken } = this.options;
    const url = `${loginUrl.replace(/\/+$/, '')}/common/oauth/tokens`;
    const what = 'SuperOffice token endpoint';
    this.refreshCount += 1;
    const sentAt = this.now();
    const answer = await signInRequest(
      what,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        // In the body, not the query string the docs show: both are form parameters, and the
        // body keeps the secret out of proxy and access logs.
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: refreshToken,
        }).toString(),
      },
      this.options.timeoutMs ?? 10_000,
    );
    if (answer.status === 200) {
      const parsed = tokenResponseSchema.safeParse(answer.body);
      if (!parsed.success) {
        throw new ApiError('superoffice', 'invalid_response', `${what} answered 200 without an access_token`);
      }
      const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
      const margin = Math.min(MAX_MARGIN_MS, lifetimeMs / 10);
      this.current = { token: parsed.data.access_token, refreshAt: sentAt + lifetimeMs - margin };
      return parsed.data.access_token;
    }
    const oauth = oauthErrorSchema.safeParse(answer.body);
    if (oauth.success && oauth.data.error === 'invalid_grant') {
      this.current = undefined;
      throw new ApiError('superoffice', 'unauthorized', RECONNECT_MESSAGE, {
        method: 'POST',
        path: new URL(url).pathname,
        status: answer.status,
        code: 'invalid_grant',
      });
    }
    if (
      oauth.success &&
      (oauth.data.error === 'invalid_client' || oauth.data.error === 'unauthorized_client')
    ) {
      throw new ApiError(
        'superoffice',
        'unauthorized',
        `SuperOffice refused the client (${oauth.data.error}): check SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET`,
        { method: 'POST', path: new URL(url).pathname, status: answer.status, code: oauth.data.error },
      );
    }
    throw unexpectedAnswer(what, 'POST', url, answer);
  }
}
