import { createHash, createVerify, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { ERROR_SOURCE } from './errors';

/**
 * SuperOffice's sign-in endpoints, as far as a server-side integration uses them:
 * - `POST /login/common/oauth/tokens` with grant_type=refresh_token (form-encoded), answering
 *   `{token_type, access_token, expires_in}` (no new refresh token, as SuperOffice's refresh
 *   answer has none);
 * - `POST /login/api/PartnerSystemUser/Authenticate` exchanging a signed system-user token for
 *   a JWT whose `http://schemes.superoffice.net/identity/ticket` claim is the ticket;
 * - `GET /api/state/{ContextId}`, the Tenant Status API, saying where the tenant's API is;
 * - the authorization-code flow with PKCE (S256): `GET /login/.well-known/openid-configuration`,
 *   its JWKS (an RSA key made on first use), `GET /login/common/oauth/authorize` consenting at once,
 *   and grant_type=authorization_code answering an RS256 id_token with the webapi_url claim.
 * Access tokens expire after `accessTokenLifetimeSeconds`; tickets after
 * `ticketLifetimeSeconds` without use (sliding, 6 h by default as SuperOffice's do).
 */
export interface LoginOptions {
  clientId?: string;
  clientSecret?: string;
  /** Refresh tokens the token endpoint accepts; revocable from the control plane. */
  refreshTokens?: string[];
  /** Default 3600, as SuperOffice documents. */
  accessTokenLifetimeSeconds?: number;
  /** PEM public key that checks SignedSystemToken; without it the exchange always fails. */
  systemUserPublicKeyPem?: string;
  /** The system-user token the key signs; any token when omitted. */
  systemUserToken?: string;
  ticketLifetimeSeconds?: number;
  /** Associate the issued tokens and tickets act as; defaults to the auth's default associate. */
  associateId?: number;
  /** Redirect URIs the authorize endpoint accepts; any http(s) URI when omitted. */
  redirectUris?: string[];
}

/** An authorization code waiting to be redeemed at the token endpoint. */
interface PendingCode {
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
}

/** The OpenID Connect signing keys: the published one, and a stray one for tests of a forged id_token. */
interface SigningKeys {
  kid: string;
  published: KeyLike;
  publicJwk: Record<string, unknown>;
  stray: KeyLike;
}

interface Issued {
  expiresAt: number;
  lifetimeMs: number;
  appToken?: string;
}

const TICKET_CLAIM = 'http://schemes.superoffice.net/identity/ticket';
const IDENTITY = 'http://schemes.superoffice.net/identity/';
/** How far a signature's timestamp may be from the emulator's clock (assumed; SuperOffice does not say). */
const SIGNATURE_SKEW_MS = 5 * 60_000;

export class LoginState {
  readonly refreshTokens: Set<string>;
  private readonly accessTokens = new Map<string, Issued>();
  private readonly tickets = new Map<string, Issued>();
  accessTokenLifetimeSeconds: number;
  ticketLifetimeSeconds: number;
  /** The tenant has moved to `/moved/{contextId}/api` (control plane: POST /_emulator/login/move). */
  moved = false;
  /** The authorize endpoint answers access_denied (control plane: POST /_emulator/login/consent). */
  refuseConsent = false;
  /** id_tokens are signed with a key the JWKS does not publish (control plane: POST /_emulator/login/id-token). */
  signWithStrayKey = false;
  readonly codes = new Map<string, PendingCode>();
  private keys: Promise<SigningKeys> | undefined;

  constructor(
    readonly options: LoginOptions,
    readonly contextId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshTokens = new Set(options.refreshTokens ?? []);
    this.accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? 3600;
    this.ticketLifetimeSeconds = options.ticketLifetimeSeconds ?? 6 * 3600;
  }

  /** True for an issued access token that has not expired. */
  acceptsAccessToken(token: string): boolean {
    const issued = this.accessTokens.get(token);
    return issued !== undefined && this.now() < issued.expiresAt;
  }

  /** True for an issued ticket with its app token; each use slides its expiry. */
  acceptsTicket(ticket: string, appToken: string): boolean {
    const issued = this.tickets.get(ticket);
    if (!issued || issued.appToken !== appToken || this.now() >= issued.expiresAt) return false;
    issued.expiresAt = this.now() + issued.lifetimeMs;
    return true;
  }

  expireAll(): void {
    for (const issued of [...this.accessTokens.values(), ...this.tickets.values()]) issued.expiresAt = 0;
  }

  issueAccessToken(): { token: string; expiresIn: number } {
    const token = `8A:${this.contextId}.${randomBytes(18).toString('base64url')}`;
    const lifetimeMs = this.accessTokenLifetimeSeconds * 1000;
    this.accessTokens.set(token, { expiresAt: this.now() + lifetimeMs, lifetimeMs });
    return { token, expiresIn: this.accessTokenLifetimeSeconds };
  }

  issueTicket(appToken: string): string {
    const ticket = `7T:${randomBytes(18).toString('base64url')}`;
    const lifetimeMs = this.ticketLifetimeSeconds * 1000;
    this.tickets.set(ticket, { expiresAt: this.now() + lifetimeMs, lifetimeMs, appToken });
    return ticket;
  }

  signingKeys(): Promise<SigningKeys> {
    this.keys ??= (async () => {
      const published = await generateKeyPair('RS256', { extractable: true });
      const stray = await generateKeyPair('RS256');
      const kid = randomBytes(8).toString('hex');
      const publicJwk = { ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' };
      return { kid, published: published.privateKey, publicJwk, stray: stray.privateKey };
    })();
    return this.keys;
  }

  async signIdToken(issuer: string, claims: Record<string, unknown>): Promise<string> {
    const keys = await this.signingKeys();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(this.options.clientId ?? '')
      .setSubject(String(this.options.associateId ?? 1))
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setExpirationTime(Math.floor(this.now() / 1000) + 300)
      .sign(this.signWithStrayKey ? keys.stray : keys.published);
  }

  issueCode(redirectUri: string, codeChallenge: string): string {
    const code = randomBytes(18).toString('base64url');
    // SuperOffice's authorization codes live 10 minutes.
    this.codes.set(code, { redirectUri, codeChallenge, expiresAt: this.now() + 10 * 60_000 });
    return code;
  }

  /** Redeems a code once; a problem as an error description, or undefined. */
  redeemCode(
    code: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): string | undefined {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || this.now() >= pending.expiresAt) return 'the code is unknown, used or expired';
    if (redirectUri !== pending.redirectUri) return 'redirect_uri differs from the authorize request';
    if (!verifier) return 'code_verifier is required';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    return challenge === pending.codeChallenge ? undefined : 'code_verifier does not match code_challenge';
  }

  /** The API base path the tenant is served at now. */
  currentBasePath(): string {
    return this.moved ? `/moved/${this.contextId}/api` : `/${this.contextId}/api`;
  }

  checkSignature(signed: string): string | undefined {
    const key = this.options.systemUserPublicKeyPem;
    if (!key) return 'no system user is configured';
    const match = /^(.+)\.(\d{12})\.([A-Za-z0-9+/=]+)$/.exec(signed);
    if (!match) return 'SignedSystemToken must be token.yyyyMMddHHmm.signature';
    const [, token, stamp, signature] = match as unknown as [string, string, string, string];
    if (this.options.systemUserToken !== undefined && token !== this.options.systemUserToken) {
      return 'unknown system user token';
    }
    const at = Date.UTC(
      Number(stamp.slice(0, 4)),
      Number(stamp.slice(4, 6)) - 1,
      Number(stamp.slice(6, 8)),
      Number(stamp.slice(8, 10)),
      Number(stamp.slice(10, 12)),
    );
    if (Math.abs(this.now() - at) > SIGNATURE_SKEW_MS)
      return 'the signature timestamp is too old or in the future';
    const ok = createVerify('RSA-SHA256')
      .update(`${token}.${stamp}`, 'utf8')
      .verify(key, signature, 'base64');
    return ok ? undefined : 'the signature does not match the public key';
  }
}

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  // The emulator's JWT is not signed (alg "none"); Smart Sync reads only the ticket claim.
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** The sign-in routes, mounted at the emulator's root. */
export function loginRouter(state: LoginState): Router {
  const r = express.Router();
  r.post(
    '/login/common/oauth/tokens',
    express.urlencoded({ extended: false }),
    (req: Request, res: Response) => {
      // The docs show the parameters on the query string; the body is accepted too.
      const form = {
        ...(req.query as Record<string, unknown>),
        ...((req.body ?? {}) as Record<string, unknown>),
      };
      const param = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
      const grant = param('grant_type');
      if (grant !== 'refresh_token' && grant !== 'authorization_code') {
        oauthError(
          res,
          400,
          'unsupported_grant_type',
          'the emulator supports grant_type=refresh_token and authorization_code only',
        );
        return;
      }
      const { clientId, clientSecret } = state.options;
      if (!clientId || param('client_id') !== clientId || param('client_secret') !== clientSecret) {
        oauthError(res, 401, 'invalid_client', 'unknown client or wrong client secret');
        return;
      }
      if (grant === 'authorization_code') {
        const problem = state.redeemCode(param('code') ?? '', param('redirect_uri'), param('code_verifier'));
        if (problem) {
          oauthError(res, 400, 'invalid_grant', problem);
          return;
        }
        const refreshToken = randomBytes(24).toString('base64url');
        state.refreshTokens.add(refreshToken);
        const { token, expiresIn } = state.issueAccessToken();
        const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
        void state
          .signIdToken(`${origin}/login`, {
            [`${IDENTITY}ctx`]: state.contextId,
            [`${IDENTITY}webapi_url`]: `${origin}${state.currentBasePath()}/`,
            webapi_url: `${origin}${state.currentBasePath()}/`,
          })
          .then((idToken) =>
            res.json({
              token_type: 'Bearer',
              access_token: token,
              expires_in: expiresIn,
              refresh_token: refreshToken,
              id_token: idToken,
            }),
          );
        return;
      }
      const refreshToken = param('refresh_token');
      if (!refreshToken || !state.refreshTokens.has(refreshToken)) {
        oauthError(res, 400, 'invalid_grant', 'the refresh token is unknown or was revoked');
        return;
      }
      const { token, expiresIn } = state.issueAccessToken();
      res.json({ token_type: 'Bearer', access_token: token, expires_in: expiresIn });
    },
  );
  r.get('/login/.well-known/openid-configuration', (req: Request, res: Response) => {
    const login = `${req.protocol}://${req.get('host') ?? 'localhost'}/login`;
    res.json({
      issuer: login,
      authorization_endpoint: `${login}/common/oauth/authorize`,
      token_endpoint: `${login}/common/oauth/tokens`,
      jwks_uri: `${login}/.well-known/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
    });
  });
  r.get('/login/.well-known/jwks', (_req: Request, res: Response) => {
    void state.signingKeys().then((keys) => res.json({ keys: [keys.publicJwk] }));
  });
  r.get('/login/common/oauth/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const param = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    const redirectUri = param('redirect_uri');
    let target: URL;
    try {
      target = new URL(redirectUri ?? '');
    } catch {
      res.status(400).type('text').send('redirect_uri is missing or not a URL');
      return;
    }
    const allowed = state.options.redirectUris;
    if (!/^https?:$/.test(target.protocol) || (allowed && !allowed.includes(redirectUri!))) {
      res.status(400).type('text').send('redirect_uri is not registered for this client');
      return;
    }
    if (!state.options.clientId || param('client_id') !== state.options.clientId) {
      res.status(400).type('text').send('unknown client_id');
      return;
    }
    const back = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      const stateParam = param('state');
      if (stateParam !== undefined) target.searchParams.set('state', stateParam);
      res.redirect(302, target.toString());
    };
    if (param('response_type') !== 'code') {
      back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
      return;
    }
    const challenge = param('code_challenge');
    if (!challenge || param('code_challenge_method') !== 'S256') {
      back({ error: 'invalid_request', error_description: 'code_challenge with S256 is required' });
      return;
    }
    if (state.refuseConsent) {
      back({ error: 'access_denied', error_description: 'the user did not consent' });
      return;
    }
    // The emulator's user consents at once: there is no sign-in page to click through.
    back({ code: state.issueCode(redirectUri!, challenge) });
  });
  r.post('/login/api/PartnerSystemUser/Authenticate', express.json(), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fail = (message: string) => res.json({ IsSuccessful: false, Token: null, ErrorMessage: message });
    if (!state.options.clientSecret || body.ApplicationToken !== state.options.clientSecret) {
      fail('unknown ApplicationToken');
      return;
    }
    if (body.ContextIdentifier !== state.contextId) {
      fail(`unknown ContextIdentifier ${String(body.ContextIdentifier)}`);
      return;
    }
    const problem =
      typeof body.SignedSystemToken === 'string'
        ? state.checkSignature(body.SignedSystemToken)
        : 'SignedSystemToken is missing';
    if (problem) {
      fail(problem);
      return;
    }
    const ticket = state.issueTicket(state.options.clientSecret);
    res.json({
      IsSuccessful: true,
      Token: unsignedJwt({
        [TICKET_CLAIM]: ticket,
        'http://schemes.superoffice.net/identity/ctx': state.contextId,
      }),
      ErrorMessage: '',
    });
  });
  r.get('/api/state/:contextId', (req: Request, res: Response) => {
    if (req.params.contextId !== state.contextId) {
      res.status(404).json({
        Error: true,
        ErrorType: 'NotFoundException',
        ErrorMessage: 'unknown tenant',
        ErrorSource: ERROR_SOURCE,
      });
      return;
    }
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const api = `${origin}${state.currentBasePath()}`;
    res.json({
      ContextIdentifier: state.contextId,
      Endpoint: api.replace(/\/api$/, ''),
      State: 'Running',
      IsRunning: true,
      ValidUntil: new Date(Date.now() + 3600_000).toISOString(),
      Api: api,
    });
  });
  return r;
}

/**
 * /_emulator/login: revoke a refresh token, expire every credential, move the tenant, set
 * lifetimes, refuse consent, sign id_tokens with an unpublished key.
 */
export function loginControlRouter(state: LoginState): Router {
  const r = express.Router();
  r.use(express.json());
  r.post('/revoke', (req, res) => {
    const token = (req.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (typeof token === 'string') state.refreshTokens.delete(token);
    else state.refreshTokens.clear();
    res.json({ ok: true });
  });
  r.post('/refresh-tokens', (req, res) => {
    const token = (req.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (typeof token !== 'string' || !token) {
      res.status(400).json({ error: 'refreshToken (a string) is required' });
      return;
    }
    state.refreshTokens.add(token);
    res.json({ ok: true });
  });
  r.post('/consent', (req, res) => {
    state.refuseConsent = (req.body as { refuse?: unknown } | undefined)?.refuse === true;
    res.json({ ok: true, refuse: state.refuseConsent });
  });
  r.post('/id-token', (req, res) => {
    state.signWithStrayKey = (req.body as { strayKey?: unknown } | undefined)?.strayKey === true;
    res.json({ ok: true, strayKey: state.signWithStrayKey });
  });
  r.post('/expire', (_req, res) => {
    state.expireAll();
    res.json({ ok: true });
  });
  r.post('/move', (_req, res) => {
    state.moved = !state.moved;
    res.json({ ok: true, basePath: state.currentBasePath() });
  });
  r.post('/lifetimes', (req, res) => {
    const body = (req.body ?? {}) as { accessTokenSeconds?: unknown; ticketSeconds?: unknown };
    if (typeof body.accessTokenSeconds === 'number' && body.accessTokenSeconds > 0) {
      state.accessTokenLifetimeSeconds = body.accessTokenSeconds;
    }
    if (typeof body.ticketSeconds === 'number' && body.ticketSeconds > 0)
      state.ticketLifetimeSeconds = body.ticketSeconds;
    res.json({ ok: true });
  });
  return r;
}
