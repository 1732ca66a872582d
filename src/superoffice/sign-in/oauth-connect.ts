import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { ApiError } from '../../http/api-error';
import type { MappingStore, StoredConnection } from '../../mapping-store/mapping-store';
import { credentialOf, type SuperOfficeCredentials } from './credentials';
import { signInRequest, unexpectedAnswer } from './form-request';
import { RefreshTokenCredentials } from './refresh-token';
import { openSecret, SECRET_KEY_MISSING, sealSecret } from './sealed-secret';
import { contextIdOf } from './tenant';

export const SUPEROFFICE_PROVIDER = 'superoffice';

export const STORED_RECONNECT_MESSAGE =
  'SuperOffice refused the stored connection (invalid_grant): the consent was revoked or the sign-in expired. ' +
  'An administrator must connect Smart Sync to SuperOffice again: settings page, Connection tab, ' +
  'Reconnect SuperOffice (or POST /api/connections/superoffice/authorize).';

export interface OAuthClient {
  /** e.g. https://sod.superoffice.com/login */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** `${SMART_SYNC_PUBLIC_URL}/oauth/superoffice/callback`, as registered with SuperOffice. */
  redirectUri: string;
  timeoutMs?: number;
}

/** SuperOffice's codes live 10 minutes; a consent left longer than that is started again. */
const STATE_LIFETIME_MS = 10 * 60_000;
/** Connects in flight at most: each is an admin's click, so this bound is only met by a flood. */
const MAX_PENDING = 100;
/** What the sealed verifier is bound to: it cannot be passed off as a stored connection's secret. */
const VERIFIER_CONTEXT = 'superoffice oauth state';

/** The store's key for a state: its digest, so that reading the store does not reveal a usable state. */
function keyOf(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

/**
 * `state` values handed out and not yet used: each is accepted once, within its lifetime,
 * so a callback URL that is replayed, or made up by another site, is refused. Kept in the
 * settings store (its digest, with the PKCE verifier sealed with SMART_SYNC_SECRET_KEY), so
 * that the callback may land on another api replica than the one that handed it out, and
 * a restart in the middle of a consent loses nothing.
 */
export class PendingAuthorizations {
  constructor(
    private readonly store: MappingStore,
    private readonly secretKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  async create(): Promise<{ state: string; verifier: string }> {
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.store.putPendingAuthorization(
      keyOf(state),
      {
        sealedVerifier: sealSecret(verifier, this.secretKey, VERIFIER_CONTEXT),
        expiresAt: now + STATE_LIFETIME_MS,
      },
      { now, max: MAX_PENDING },
    );
    return { state, verifier };
  }

  /** The verifier for a state seen for the first time and in time; undefined otherwise. */
  async take(state: string): Promise<string | undefined> {
    if (!state) return undefined;
    const pending = await this.store.takePendingAuthorization(keyOf(state), this.now());
    if (!pending) return undefined;
    try {
      return openSecret(pending.sealedVerifier, this.secretKey, VERIFIER_CONTEXT);
    } catch {
      // Sealed under another SMART_SYNC_SECRET_KEY (changed meanwhile): as good as expired.
      return undefined;
    }
  }
}

export function authorizeUrl(client: OAuthClient, state: string, verifier: string): string {
  const url = new URL(`${client.loginUrl.replace(/\/+$/, '')}/common/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    scope: 'openid',
    response_type: 'code',
    redirect_uri: client.redirectUri,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** A connect that failed in a way the admin is to be told about; the message holds no secret. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  id_token: z.string().min(1),
  expires_in: z.coerce.number().optional(),
});

const discoverySchema = z.object({ issuer: z.string().min(1), jwks_uri: z.url() });

const IDENTITY = 'http://schemes.superoffice.net/identity/';

export interface Connected {
  refreshToken: string;
  tenant: string;
  webApiUrl: string;
}

/** One JWKS per jwks_uri, so that its keys are cached and refetched by jose when a kid is new. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/**
 * The code for tokens, and the id_token checked before anything is believed: its signature
 * against the keys the login's discovery document names, the issuer, the audience (our
 * client id) and the expiry. Only then is its webapi_url taken as the tenant's address.
 */
export async function redeemCode(client: OAuthClient, code: string, verifier: string): Promise<Connected> {
  const login = client.loginUrl.replace(/\/+$/, '');
  const timeoutMs = client.timeoutMs ?? 10_000;
  const tokensUrl = `${login}/common/oauth/tokens`;
  const answer = await signInRequest(
    'SuperOffice token endpoint',
    tokensUrl,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        code,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
      }).toString(),
    },
    timeoutMs,
  );
  if (answer.status !== 200) {
    const oauth = z.object({ error: z.string() }).safeParse(answer.body);
    if (oauth.success) throw new ConnectError(`SuperOffice refused the sign-in code (${oauth.data.error})`);
    throw unexpectedAnswer('SuperOffice token endpoint', 'POST', tokensUrl, answer);
  }
  const tokens = tokenAnswerSchema.safeParse(answer.body);
  if (!tokens.success) {
    throw new ConnectError('SuperOffice answered the sign-in without a refresh token and an id_token');
  }
  const discoveryUrl = `${login}/.well-known/openid-configuration`;
  const discovered = await signInRequest(
    'SuperOffice OpenID configuration',
    discoveryUrl,
    { method: 'GET', headers: { Accept: 'application/json' } },
    timeoutMs,
  );
  if (discovered.status !== 200) {
    throw unexpectedAnswer('SuperOffice OpenID configuration', 'GET', discoveryUrl, discovered);
  }
  const discovery = discoverySchema.safeParse(discovered.body);
  if (!discovery.success) {
    throw new ApiError(
      'superoffice',
      'invalid_response',
      'the OpenID configuration has no issuer or jwks_uri',
    );
  }
  let keySet = keySets.get(discovery.data.jwks_uri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(discovery.data.jwks_uri), { timeoutDuration: timeoutMs });
    keySets.set(discovery.data.jwks_uri, keySet);
  }
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(tokens.data.id_token, keySet, {
      issuer: discovery.data.issuer,
      audience: client.clientId,
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
    }));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConnectError(
      `the id_token SuperOffice answered does not validate (${typeof code === 'string' ? code : 'unreadable'})`,
    );
  }
  const webApi = claims[`${IDENTITY}webapi_url`] ?? claims.webapi_url;
  if (typeof webApi !== 'string' || !/^https?:\/\//.test(webApi)) {
    throw new ConnectError('the id_token has no webapi_url claim: no tenant to connect to');
  }
  const webApiUrl = webApi.replace(/\/+$/, '');
  const ctx = claims[`${IDENTITY}ctx`];
  return {
    refreshToken: tokens.data.refresh_token,
    tenant: typeof ctx === 'string' && ctx ? ctx : contextIdOf(webApiUrl),
    webApiUrl,
  };
}

export function sealConnection(
  connected: Connected,
  secretKey: string | undefined,
  now = new Date(),
): StoredConnection {
  if (!secretKey) throw new ConnectError(SECRET_KEY_MISSING);
  return {
    provider: SUPEROFFICE_PROVIDER,
    tenant: connected.tenant,
    webApiUrl: connected.webApiUrl,
    connectedAt: now.toISOString(),
    sealed: sealSecret(connected.refreshToken, secretKey, SUPEROFFICE_PROVIDER),
  };
}

/**
 * The SuperOffice credentials when a connection may be stored: the stored connection's
 * refresh token while there is one, the configured sign-in (`fallback`) otherwise. The
 * store is asked before each request, so a connect or disconnect takes effect on the next
 * call without a restart; the refresh-token source is kept while the record is the same.
 */
export class StoredConnectionCredentials implements SuperOfficeCredentials {
  private current: { sealed: string; webApiUrl: string; source: RefreshTokenCredentials } | undefined;
  private lastUsed: SuperOfficeCredentials;
  /**
   * The stored connection's webapi_url when the last headers() came from it. Shared by
   * concurrent calls: only a connect or disconnect landing between one call's headers() and
   * its request can pair a credential with the other's address, which that one call then
   * has refused (401 or 421) and retries.
   */
  private lastApiUrl: string | undefined;

  constructor(
    private readonly options: {
      store: MappingStore;
      secretKey: string | undefined;
      loginUrl: string;
      clientId: string;
      clientSecret: string;
      fallback: SuperOfficeCredentials;
    },
  ) {
    this.lastUsed = options.fallback;
  }

  /** The source the next request uses: the stored connection's, or the fallback. */
  async source(): Promise<SuperOfficeCredentials> {
    const stored = await this.options.store.getConnection(SUPEROFFICE_PROVIDER);
    if (!stored) {
      this.current = undefined;
      return this.options.fallback;
    }
    if (this.current?.sealed !== stored.sealed) {
      if (!this.options.secretKey) {
        throw new ApiError('superoffice', 'unauthorized', SECRET_KEY_MISSING);
      }
      let refreshToken: string;
      try {
        refreshToken = openSecret(stored.sealed, this.options.secretKey, SUPEROFFICE_PROVIDER);
      } catch (err) {
        throw new ApiError('superoffice', 'unauthorized', (err as Error).message);
      }
      this.current = {
        sealed: stored.sealed,
        webApiUrl: stored.webApiUrl,
        source: new RefreshTokenCredentials({
          loginUrl: this.options.loginUrl,
          clientId: this.options.clientId,
          clientSecret: this.options.clientSecret,
          refreshToken,
        }),
      };
    }
    // A move (421) changes the address, not the token: the record is read again every time.
    this.current.webApiUrl = stored.webApiUrl;
    return this.current.source;
  }

  apiUrl(): string | undefined {
    return this.lastApiUrl;
  }

  /**
   * After a 421 with a stored connection: where its tenant is now (the Tenant Status API),
   * written back to the record so that every process of the service learns it; undefined
   * when nothing is stored (the configured sign-in's lookup applies then).
   */
  async relocateStored(lookUp: (contextId: string) => Promise<string>): Promise<string | undefined> {
    const stored = await this.options.store.getConnection(SUPEROFFICE_PROVIDER);
    if (!stored) return undefined;
    const webApiUrl = await lookUp(stored.tenant);
    // Not over a connection made meanwhile: that one brought its own, newer, address.
    const now = await this.options.store.getConnection(SUPEROFFICE_PROVIDER);
    if (now?.sealed === stored.sealed && now.webApiUrl !== webApiUrl) {
      await this.options.store.setConnection({ ...now, webApiUrl });
    }
    if (this.current?.sealed === stored.sealed) this.current.webApiUrl = webApiUrl;
    return webApiUrl;
  }

  async headers(): Promise<Record<string, string>> {
    const source = await this.source();
    this.lastUsed = source;
    this.lastApiUrl = source === this.options.fallback ? undefined : this.current?.webApiUrl;
    try {
      return await source.headers();
    } catch (err) {
      // The refresh-token source asks for a new SUPEROFFICE_REFRESH_TOKEN; a stored one is renewed by connecting again.
      if (
        source !== this.options.fallback &&
        err instanceof ApiError &&
        err.details.code === 'invalid_grant'
      ) {
        throw new ApiError('superoffice', 'unauthorized', STORED_RECONNECT_MESSAGE, err.details);
      }
      throw err;
    }
  }

  async onUnauthorized(refused: Record<string, string>): Promise<boolean> {
    // A refusal of a source replaced meanwhile (reconnected) is cured by the new one.
    const source = await this.source();
    if (source !== this.lastUsed && credentialOf(refused)) return true;
    return source.onUnauthorized(refused);
  }

  secrets(): string[] {
    return [...this.options.fallback.secrets(), ...(this.current?.source.secrets() ?? [])];
  }
}

/** Before the first connect: every call is refused with what to do, without a request. */
export class NotConnectedCredentials implements SuperOfficeCredentials {
  async headers(): Promise<Record<string, string>> {
    throw new ApiError(
      'superoffice',
      'unauthorized',
      'SuperOffice is not connected yet: an administrator connects it through SuperOffice sign-in ' +
        '(settings page, Connection tab, Connect SuperOffice; or POST /api/connections/superoffice/authorize)',
    );
  }
  async onUnauthorized(): Promise<boolean> {
    return false;
  }
  secrets(): string[] {
    return [];
  }
}
