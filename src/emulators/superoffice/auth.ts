import type { NextFunction, Request, Response } from 'express';
import { ERROR_SOURCE } from './errors';
import type { LoginState } from './login';
import type { SuperOfficeStore } from './store';

/**
 * SuperOffice Online's auth schemes: `Authorization: Bearer <access token>` ("8A:Cust12345...."),
 * or `Authorization: SOTicket <ticket>` together with `SO-AppToken: <client secret>`, which Online
 * requires with a ticket. Anything else is a 401. Each credential acts as an associate,
 * who becomes UpdatedBy of what it writes; handlers find it with `associateOf(res)`.
 */

export interface AuthOptions {
  /** The configured access token (SUPEROFFICE_ACCESS_TOKEN of the service under test). */
  accessToken?: string;
  /** Associate the configured token acts as; defaults to the lowest seeded associate id. */
  associateId?: number;
  /** A configured system-user ticket. */
  ticket?: { ticket: string; appToken: string };
}

export function associateOf(res: Response): number {
  return typeof res.locals.associateId === 'number' ? res.locals.associateId : 0;
}

function defaultAssociate(store: SuperOfficeStore, options: AuthOptions): number {
  if (options.associateId !== undefined) return options.associateId;
  const ids = [...store.associates.keys()].sort((a, b) => a - b);
  return ids[0] ?? 0;
}

function credentialAssociate(
  store: SuperOfficeStore,
  options: AuthOptions,
  req: Request,
  login?: LoginState,
): number | undefined {
  const header = req.get('authorization') ?? '';
  const match = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  const credential = (match[2] as string).trim();
  if (scheme === 'bearer') {
    if (options.accessToken !== undefined && credential === options.accessToken)
      return defaultAssociate(store, options);
    if (login?.acceptsAccessToken(credential))
      return login.options.associateId ?? defaultAssociate(store, options);
    return store.bearerTokens.get(credential);
  }
  if (scheme === 'soticket') {
    const appToken = req.get('so-apptoken');
    if (appToken === undefined) return undefined;
    if (options.ticket && options.ticket.ticket === credential && options.ticket.appToken === appToken) {
      return defaultAssociate(store, options);
    }
    if (login?.acceptsTicket(credential, appToken))
      return login.options.associateId ?? defaultAssociate(store, options);
    return store.tickets.find((t) => t.ticket === credential && t.appToken === appToken)?.associateId;
  }
  return undefined;
}

/**
 * 401 body: SuperOffice documents none (only the 404's); the emulator uses the REST error
 * shape so that every error a client sees parses the same way.
 */
export function authenticate(store: SuperOfficeStore, options: AuthOptions, login?: LoginState) {
  return (req: Request, res: Response, next: NextFunction) => {
    // An issued access token or ticket past its lifetime gets this 401 too, as SuperOffice's does.
    const associateId = credentialAssociate(store, options, req, login);
    if (associateId === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({
        Error: true,
        ErrorType: 'UnauthorizedAccessException',
        ErrorMessage:
          'No valid credentials: send "Authorization: Bearer <access token>" or "SOTicket <ticket>" with SO-AppToken',
        ErrorSource: ERROR_SOURCE,
      });
      return;
    }
    res.locals.associateId = associateId;
    next();
  };
}
