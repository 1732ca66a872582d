import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { EmulatorControl } from '../control-plane';
import { authenticate, associateOf, type AuthOptions } from './auth';
import { DocumentArchive, documentControlRouter, documentRouter } from './document-archive';
import { EntityRepository } from './entity-repository';
import { LoginState, type LoginOptions, loginControlRouter, loginRouter } from './login';
import { badRequest, ERROR_SOURCE, injectedErrorBody, SoApiError } from './errors';
import { metadataRouter } from './metadata-routes';
import { quoteAgentRouter } from './quote-agent';
import { QuoteBook } from './quote-book';
import { apiBase, restRouter } from './rest-routes';
import { loadSeed, stateDocument } from './seed';
import { SuperOfficeStore } from './store';

export const DEFAULT_CONTEXT_ID = 'Cust12345';

export interface SuperOfficeEmulatorOptions extends AuthOptions {
  /** The tenant; the API is served at /{contextId}/api, as SuperOffice's is. Default "Cust12345". */
  contextId?: string;
  /** A seed document loaded at once; omitted, the emulator starts empty. */
  seed?: unknown;
  /** The sign-in endpoints' configuration (refresh tokens, system user, lifetimes). */
  login?: LoginOptions;
}

export interface SuperOfficeEmulatorApp {
  app: Express;
  control: EmulatorControl;
  store: SuperOfficeStore;
  /** Issued access tokens and tickets, refresh tokens, and where the tenant is served. */
  login: LoginState;
}

/**
 * A body that is not JSON must not stop the fault middleware and the request log, and must be
 * answered in SuperOffice's error shape after auth: so parse errors are noted and reported by
 * the API itself.
 */
function lenientJson() {
  const parse = express.json({
    limit: '10mb',
    type: ['application/json', 'application/*+json', 'text/json'],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (err) res.locals.bodyError = err instanceof Error ? err.message : String(err);
      next();
    });
  };
}

/**
 * The emulator's express app: the control plane at /_emulator (never subject to faults or auth),
 * then the request log and fault injection, then the tenant API at /{contextId}/api with its
 * auth. Faults come before auth, so that an injected 503 answers whatever token is sent, as an
 * outage of the real service would.
 */
export function createSuperOfficeEmulator(options: SuperOfficeEmulatorOptions = {}): SuperOfficeEmulatorApp {
  const contextId = options.contextId ?? DEFAULT_CONTEXT_ID;
  const store = new SuperOfficeStore();
  const entities = new EntityRepository(store);
  const quotes = new QuoteBook(store, entities);
  const documents = new DocumentArchive();
  const control = new EmulatorControl({
    reset: () => {
      store.reset();
      documents.reset();
    },
    seed: (doc) => loadSeed(store, doc),
    state: () => stateDocument(store),
    errorBody: injectedErrorBody,
  });
  if (options.seed !== undefined) loadSeed(store, options.seed);
  const login = new LoginState(options.login ?? {}, contextId);

  const api = express.Router();
  // GET {base}/api: the version document, as SuperOffice's REST reference shows it.
  api.get('/', (req, res) => {
    res.json({
      v1: `${apiBase(req)}/v1`,
      Version: 'v1',
      NetServerVersion: 'Smart Sync emulator',
      Services: 'Services88',
    });
  });
  // A tenant that moved answers 421 at its old address, before auth, as a misdirected request.
  api.use((req, res, next) => {
    if (req.baseUrl.toLowerCase() === login.currentBasePath().toLowerCase()) {
      next();
      return;
    }
    res.status(421).json({
      Error: true,
      ErrorType: 'MisdirectedRequest',
      ErrorMessage: `Tenant ${contextId} has moved; look it up at /api/state/${contextId}`,
      ErrorSource: ERROR_SOURCE,
    });
  });
  api.use(authenticate(store, options, login));
  api.use((_req, res, next) => {
    if (typeof res.locals.bodyError === 'string')
      throw badRequest(`The request body is not valid JSON: ${res.locals.bodyError}`);
    next();
  });
  api.use('/v1/Agents/Quote', quoteAgentRouter(store, quotes, associateOf));
  api.use(documentRouter(store, documents));
  api.use(metadataRouter(store));
  api.use(restRouter(store, entities));
  api.use((req) => {
    throw new SoApiError(
      404,
      'NotFoundException',
      `No HTTP resource matches ${req.method} ${req.originalUrl} in the SuperOffice emulator`,
    );
  });

  const app = express();
  app.disable('x-powered-by');
  app.use('/_emulator/login', loginControlRouter(login));
  app.use('/_emulator', documentControlRouter(documents));
  app.use('/_emulator', control.router());
  app.use(lenientJson());
  app.use(control.middleware());
  app.use(loginRouter(login));
  app.use(`/${contextId}/api`, api);
  app.use(`/moved/${contextId}/api`, api);
  app.use((req: Request, res: Response) => {
    res.status(404).json({
      Error: true,
      ErrorType: 'NotFoundException',
      ErrorMessage: `No tenant API at ${req.path}; this emulator serves /${contextId}/api`,
      ErrorSource: ERROR_SOURCE,
    });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SoApiError) {
      res.status(err.status).json(err.body());
      return;
    }
    res.status(500).json({
      Error: true,
      ErrorType: 'Exception',
      ErrorMessage: err instanceof Error ? err.message : String(err),
      ErrorSource: ERROR_SOURCE,
    });
  });
  return { app, control, store, login };
}
