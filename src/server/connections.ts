import { type Response, Router } from 'express';
import type { Logger } from '../logging/logger';
import type { MappingStore } from '../mapping-store/mapping-store';
import {
  authorizeUrl,
  ConnectError,
  type OAuthClient,
  PendingAuthorizations,
  redeemCode,
  sealConnection,
  SUPEROFFICE_PROVIDER,
} from '../superoffice/sign-in/oauth-connect';
import { type FailureThrottle, requireAdminToken } from './admin-auth';

export type ConnectionMode = 'oauth' | 'system-user' | 'static-token' | 'demo';

export interface ConnectedService {
  /** How the service is connected when nothing is stored (the environment's sign-in). */
  mode: ConnectionMode;
  tenant: string | null;
  /** A cheap authenticated call; rejects when it fails. */
  probe: (signal: AbortSignal) => Promise<void>;
}

export interface ConnectionsDeps {
  store: MappingStore;
  adminToken: string;
  logger: Logger;
  authThrottle?: FailureThrottle;
  /** Undefined when SuperOffice's sign-in cannot be used (demo mode, no client id and secret). */
  oauth: OAuthClient | undefined;
  secretKey: string | undefined;
  superoffice: ConnectedService;
  oneflow: ConnectedService;
  /** Per live check; default 5 s, so that the page's answer never waits on a hung service. */
  probeTimeoutMs?: number;
  now?: () => number;
}

export const CALLBACK_PATH = '/oauth/superoffice/callback';

/** As strict as the API's own: the page has no script, style, form or image. */
const PAGE_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function errorPage(res: Response, status: number, message: string): void {
  res
    .status(status)
    .set({
      'Content-Security-Policy': PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    })
    .type('html')
    .send(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Smart Sync: SuperOffice not connected</title></head>' +
        `<body><h1>SuperOffice was not connected</h1><p>${escapeHtml(message)}</p>` +
        '<p>Nothing was stored. <a href="/settings#connection">Back to the settings</a> and connect again.</p></body></html>',
    );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Connecting SuperOffice through its sign-in (the OpenID Connect code flow with PKCE) and
 * the state of every connection. The callback carries no admin token (the browser comes
 * back from SuperOffice): the single-use `state`, handed out only to an admin, stands in.
 */
export function connectionsRouter(deps: ConnectionsDeps): Router {
  const r = Router();
  // Kept in the store, so that a callback landing on another api replica finds its state.
  const pending = deps.secretKey
    ? new PendingAuthorizations(deps.store, deps.secretKey, deps.now)
    : undefined;
  const lastError: Record<'superoffice' | 'oneflow', string | null> = { superoffice: null, oneflow: null };
  // Apart from lastError, which each check overwrites: a failed connect is still worth telling.
  let lastConnectError: string | null = null;
  const auth = requireAdminToken(deps.adminToken, { logger: deps.logger, throttle: deps.authThrottle });
  r.use('/api/connections', auth, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  r.post('/api/connections/superoffice/authorize', async (_req, res) => {
    if (!deps.oauth) {
      res.status(409).json({
        error:
          'connecting through SuperOffice sign-in needs SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET (not available in demo mode)',
      });
      return;
    }
    if (!pending) {
      // Refused before the consent rather than after it, when nothing could be stored.
      res.status(409).json({
        error: 'SMART_SYNC_SECRET_KEY is not set: it is required to store the connection encrypted',
      });
      return;
    }
    let created: { state: string; verifier: string };
    try {
      created = await pending.create();
    } catch (err) {
      deps.logger.error(
        { err: { message: messageOf(err) } },
        'cannot keep the sign-in state in the settings store',
      );
      res
        .status(503)
        .json({ error: `the settings store cannot keep the sign-in state: ${messageOf(err)}; try again` });
      return;
    }
    const { state, verifier } = created;
    res.json({ authorizeUrl: authorizeUrl(deps.oauth, state, verifier) });
  });

  r.get(CALLBACK_PATH, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const param = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined);
    const fail = (status: number, message: string) => {
      lastConnectError = message;
      // The code and state are never logged: the code is a credential until it is redeemed.
      deps.logger.warn({ connection: SUPEROFFICE_PROVIDER }, `SuperOffice connect failed: ${message}`);
      errorPage(res, status, message);
    };
    let verifier: string | undefined;
    try {
      verifier = await pending?.take(param('state') ?? '');
    } catch (err) {
      fail(503, `The settings store cannot be read (${messageOf(err)}). Start again from the settings page.`);
      return;
    }
    if (!deps.oauth || verifier === undefined) {
      fail(
        400,
        'The sign-in answer is not one this service asked for, or it was already used or has expired ' +
          '(state). Start again from the settings page.',
      );
      return;
    }
    const error = param('error');
    if (error !== undefined) {
      fail(400, `SuperOffice did not grant access (${error.slice(0, 100)}).`);
      return;
    }
    const code = param('code');
    if (!code) {
      fail(400, 'SuperOffice answered without an authorization code.');
      return;
    }
    try {
      const connected = await redeemCode(deps.oauth, code, verifier);
      await deps.store.setConnection(sealConnection(connected, deps.secretKey));
      lastConnectError = null;
      deps.logger.info(
        { connection: SUPEROFFICE_PROVIDER, tenant: connected.tenant, webApiUrl: connected.webApiUrl },
        'SuperOffice connected through its sign-in',
      );
      // Back to the Connection tab, which says it is connected.
      res.redirect(303, '/settings?connected=superoffice#connection');
    } catch (err) {
      fail(err instanceof ConnectError ? 400 : 502, `${messageOf(err)}.`.replace(/\.\.$/, '.'));
    }
  });

  r.get('/api/connections', async (_req, res) => {
    // A stored connection is used only while the client is configured (not by a system user).
    const stored = deps.oauth ? await deps.store.getConnection(SUPEROFFICE_PROVIDER) : null;
    const check = async (name: 'superoffice' | 'oneflow', service: ConnectedService) => {
      const timeoutMs = deps.probeTimeoutMs ?? 5000;
      try {
        await service.probe(AbortSignal.timeout(timeoutMs));
        lastError[name] = null;
        return true;
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        lastError[name] = timedOut ? `no answer within ${timeoutMs} ms` : messageOf(err);
        return false;
      }
    };
    const [superofficeWorks, oneflowWorks] = await Promise.all([
      check('superoffice', deps.superoffice),
      check('oneflow', deps.oneflow),
    ]);
    res.json({
      superoffice: {
        mode: stored ? 'oauth' : deps.superoffice.mode,
        works: superofficeWorks,
        tenant: stored?.tenant ?? deps.superoffice.tenant,
        ...(stored ? { webApiUrl: stored.webApiUrl, connectedAt: stored.connectedAt } : {}),
        canConnect: deps.oauth !== undefined,
        lastError: lastError.superoffice,
        lastConnectError,
      },
      oneflow: {
        mode: deps.oneflow.mode,
        works: oneflowWorks,
        tenant: deps.oneflow.tenant,
        lastError: lastError.oneflow,
      },
    });
  });

  r.delete('/api/connections/superoffice', async (_req, res) => {
    const deleted = await deps.store.deleteConnection(SUPEROFFICE_PROVIDER);
    if (deleted) deps.logger.info({ connection: SUPEROFFICE_PROVIDER }, 'SuperOffice disconnected');
    res.json({ disconnected: deleted });
  });

  return r;
}
