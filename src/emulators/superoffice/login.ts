import { createVerify, randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { ERROR_SOURCE } from './errors';

/**
 * SuperOffice's sign-in endpoints, as far as a server-side integration uses them:
 * - `POST /login/common/oauth/tokens` with grant_type=refresh_token (form-encoded), answering
 *   `{token_type, access_token, expires_in}` (no new refresh token, as SuperOffice's refresh
 *   answer has none);
 * - `POST /login/api/PartnerSystemUser/Authenticate` exchanging a signed system-user token for
 *   a JWT whose `http://schemes.superoffice.net/identity/ticket` claim is the ticket;
 * - `GET /api/state/{ContextId}`, the Tenant Status API, saying where the tenant's API is.
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
}

interface Issued {
  expiresAt: number;
  lifetimeMs: number;
  appToken?: string;
}

const TICKET_CLAIM = 'http://schemes.superoffice.net/identity/ticket';
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
      if (param('grant_type') !== 'refresh_token') {
        oauthError(res, 400, 'unsupported_grant_type', 'the emulator supports grant_type=refresh_token only');
        return;
      }
      const { clientId, clientSecret } = state.options;
      if (!clientId || param('client_id') !== clientId || param('client_secret') !== clientSecret) {
        oauthError(res, 401, 'invalid_client', 'unknown client or wrong client secret');
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

/** /_emulator/login: revoke a refresh token, expire every credential, move the tenant, set lifetimes. */
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
