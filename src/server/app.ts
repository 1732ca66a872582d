import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from '../logging/logger';
import { healthRouter, type HealthDeps } from './health';

export interface AppDeps {
  logger: Logger;
  health: HealthDeps;
  /** Further routers (webhooks, admin API, settings page, metrics), mounted in order. */
  routers?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
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
