import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from '../logging/logger';
import { healthRouter, type HealthDeps } from './health';

export interface AppDeps {
  logger: Logger;
  health: HealthDeps;
  /** Further routers (webhooks, admin API, settings page, metrics), mounted in order. */
  routers?: Router[];
}

/**
 * On every answer: the API's JSON is never to be run, sniffed into HTML, framed, or named
 * in a Referer. The settings page sets its own, wider CSP over this one (its script,
 * styles and API calls), keeping frame-ancestors 'none'. Four headers do not need helmet,
 * whose defaults (a CSP of its own among them) would have to be undone for the page.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': API_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
  next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(healthRouter(deps.health));
  for (const router of deps.routers ?? []) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    // body-parser errors carry a status (400 malformed JSON, 413 too large).
    const status =
      typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'unhandled error');
    res.status(status).json({
      error:
        status === 400
          ? `the request body is not valid JSON: ${err.message}`
          : status === 413
            ? 'the request body is too large'
            : status >= 500
              ? 'internal error'
              : err.message,
    });
  };
  app.use(onError);
  return app;
}
